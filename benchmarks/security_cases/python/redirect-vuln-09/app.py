from starlette.applications import Starlette
from starlette.routing import Route
from starlette.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from starlette.exceptions import HTTPException
import html


async def handle(request):
    url = request.headers.get("x-url", "")
    return RedirectResponse(f"https://{url}/login")


app = Starlette(routes=[Route("/v1/view", handle)])
