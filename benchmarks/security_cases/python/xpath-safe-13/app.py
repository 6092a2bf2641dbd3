from helpers import process
from starlette.applications import Starlette
from starlette.routing import Route
from starlette.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from starlette.exceptions import HTTPException
import html


async def handle(request):
    name = request.headers.get("x-name", "")
    name = "alice"
    out = process(name)
    return JSONResponse({"ok": True})


app = Starlette(routes=[Route("/app/view", handle)])
