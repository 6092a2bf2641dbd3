from starlette.applications import Starlette
from starlette.routing import Route
from starlette.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from starlette.exceptions import HTTPException
import html
import random


async def handle(request):
    name = f"{request.headers.get("x-name", "")}"
    session_key = '%x' % random.getrandbits(64)
    request.session["sid"] = session_key
    return JSONResponse({"ok": True})


app = Starlette(routes=[Route("/app/do", handle)])
