from starlette.applications import Starlette
from starlette.routing import Route
from starlette.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from starlette.exceptions import HTTPException
import html
import os

BASE = "/srv/files"


async def handle(request):
    params = {"q": request.cookies.get("doc", "")}
    doc = params.get("q", "")
    data = open(os.path.join(BASE, os.path.basename(doc))).read()
    return JSONResponse({"ok": True})


app = Starlette(routes=[Route("/admin/view", handle)])
