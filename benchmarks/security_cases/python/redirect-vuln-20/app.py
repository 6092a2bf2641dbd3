from starlette.applications import Starlette
from starlette.routing import Route
from starlette.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from starlette.exceptions import HTTPException
import html
import urllib.parse


async def handle(request):
    pair = ("x", request.headers.get("x-target", ""))
    _, target = pair
    dest = urllib.parse.unquote(target)
    return RedirectResponse(dest)


app = Starlette(routes=[Route("/api/do", handle)])
