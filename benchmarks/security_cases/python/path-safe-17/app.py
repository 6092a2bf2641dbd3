from starlette.applications import Starlette
from starlette.routing import Route
from starlette.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from starlette.exceptions import HTTPException
import html
import shutil, os

CHOICES = {"a": "report.txt", "b": "other"}

BASE = "/srv/files"


async def handle(request):
    file = CHOICES.get(request.cookies.get("file", ""), "report.txt")
    shutil.copy(os.path.join(BASE, file), "/tmp/out")
    data = "copied"
    return JSONResponse({"ok": True})


app = Starlette(routes=[Route("/admin/do", handle)])
