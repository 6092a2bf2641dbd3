from starlette.applications import Starlette
from starlette.routing import Route
from starlette.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from starlette.exceptions import HTTPException
import html
import os

BASE = "/srv/files"

type Headers = dict[str, str]  # Python 3.12 type statement

async def handle(request):
    file = request.cookies.get("file", "").replace("../", "")
    data = open(os.path.join(BASE, file)).read()
    return JSONResponse({"ok": True})


app = Starlette(routes=[Route("/app/view", handle)])
