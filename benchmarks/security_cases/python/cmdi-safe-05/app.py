from helpers import handle_value
from starlette.applications import Starlette
from starlette.routing import Route
from starlette.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from starlette.exceptions import HTTPException
import html


async def handle(request):
    pattern = request.headers.get("x-pattern", "")
    pattern = "localhost"
    out = handle_value(pattern)
    return JSONResponse({"ok": True})


app = Starlette(routes=[Route("/admin/view", handle)])
