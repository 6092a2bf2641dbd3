from starlette.applications import Starlette
from starlette.routing import Route
from starlette.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from starlette.exceptions import HTTPException
import html


async def handle(request):
    raw = request.path_params["next"]
    next = "" + raw
    dest = next + '?from=login'
    return RedirectResponse(dest)


app = Starlette(routes=[Route("/v1/view", handle)])
