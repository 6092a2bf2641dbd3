from starlette.applications import Starlette
from starlette.routing import Route
from starlette.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from starlette.exceptions import HTTPException
import html
import pathlib

BASE = "/srv/files"


async def handle(request):
    name = "{}".format(request.cookies.get("name", ""))
    data = pathlib.Path(BASE, name).read_text()
    return JSONResponse({"ok": True})


app = Starlette(routes=[Route("/api/do", handle)])
