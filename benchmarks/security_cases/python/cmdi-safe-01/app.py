from starlette.applications import Starlette
from starlette.routing import Route
from starlette.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from starlette.exceptions import HTTPException
import html
import subprocess


async def handle(request):
    filename = str(int(request.query_params.get("filename", "")))
    out = subprocess.check_output("nslookup " + filename, shell=True)
    return JSONResponse({"ok": True})


app = Starlette(routes=[Route("/api/run", handle)])
