from starlette.applications import Starlette
from starlette.routing import Route
from starlette.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from starlette.exceptions import HTTPException
import html
import hashlib


async def handle(request):
    data = {"value": request.cookies.get("passwd", ""), "mode": "x"}
    passwd = data["value"]
    h = hashlib.sha1()
    h.update(passwd.encode())
    digest = h.hexdigest()
    return JSONResponse({"ok": True})


app = Starlette(routes=[Route("/admin/do", handle)])
