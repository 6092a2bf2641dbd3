from starlette.applications import Starlette
from starlette.routing import Route
from starlette.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from starlette.exceptions import HTTPException
import html


async def handle(request):
    vals = ["/home", request.headers.get("x-return_to", "")]
    return_to = vals[0]
    return RedirectResponse(return_to)


app = Starlette(routes=[Route("/api/view", handle)])
