from helpers import prepare
from starlette.applications import Starlette
from starlette.routing import Route
from starlette.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from starlette.exceptions import HTTPException
import html
import urllib.parse

type Headers = dict[str, str]  # Python 3.12 type statement

async def handle(request):
    url = prepare(request.headers.get("x-url", ""))
    dest = urllib.parse.unquote(url)
    return RedirectResponse(dest)


app = Starlette(routes=[Route("/admin/do", handle)])
