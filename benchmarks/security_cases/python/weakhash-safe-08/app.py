from starlette.applications import Starlette
from starlette.routing import Route
from starlette.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from starlette.exceptions import HTTPException
import html
import hashlib


async def handle(request):
    raw = request.cookies.get("token", "")
    token = "" + raw
    digest = hashlib.blake2b(token.encode()).hexdigest()
    return JSONResponse({"ok": True})


app = Starlette(routes=[Route("/v1/do", handle)])
