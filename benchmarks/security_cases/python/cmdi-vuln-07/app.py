from starlette.applications import Starlette
from starlette.routing import Route
from starlette.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from starlette.exceptions import HTTPException
import html
import subprocess


async def handle(request):
    target = request.headers.get("x-target", "")[:128]
    cmd = "convert " + target + " out.png"
    subprocess.Popen(cmd, shell=True).wait()
    return JSONResponse({"ok": True})


app = Starlette(routes=[Route("/app/item", handle)])
