from starlette.applications import Starlette
from starlette.routing import Route
from starlette.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from starlette.exceptions import HTTPException
import html
import hashlib


async def handle(request):
    token = request.headers.get("x-token", "").strip().lower()
    digest = hashlib.pbkdf2_hmac("sha256", token.encode(), b"salt-value", 200_000).hex()
    return JSONResponse({"ok": True})


app = Starlette(routes=[Route("/api/run", handle)])
