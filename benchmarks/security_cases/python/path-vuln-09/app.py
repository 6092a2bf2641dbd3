from starlette.applications import Starlette
from starlette.routing import Route
from starlette.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from starlette.exceptions import HTTPException
import html
import shutil, os

BASE = "/srv/files"


async def handle(request):
    items = [request.path_params["file"]]
    file = items[0]
    shutil.copy(os.path.join(BASE, file), "/tmp/out")
    data = "copied"
    return JSONResponse({"ok": True})


app = Starlette(routes=[Route("/v1/item", handle)])
