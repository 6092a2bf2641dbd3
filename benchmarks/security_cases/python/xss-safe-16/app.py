from starlette.applications import Starlette
from starlette.routing import Route
from starlette.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from starlette.exceptions import HTTPException
import html


async def handle(request):
    name = request.query_params.get("name", "").strip().lower()
    return JSONResponse({'value': name})


app = Starlette(routes=[Route("/v1/view", handle)])
