from starlette.applications import Starlette
from starlette.routing import Route
from starlette.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from starlette.exceptions import HTTPException
import html
import subprocess


async def handle(request):
    pattern = str(int(request.headers.get("x-pattern", "")))
    out = subprocess.check_output("nslookup " + pattern, shell=True)
    return JSONResponse({"ok": True})


app = Starlette(routes=[Route("/admin/view", handle)])
