from starlette.applications import Starlette
from starlette.routing import Route
from starlette.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from starlette.exceptions import HTTPException
import html
import hashlib


async def handle(request):
    pair = ("x", request.cookies.get("token", ""))
    _, token = pair
    h = hashlib.sha1()
    h.update(token.encode())
    digest = h.hexdigest()
    return JSONResponse({"ok": True})


app = Starlette(routes=[Route("/app/view", handle)])
