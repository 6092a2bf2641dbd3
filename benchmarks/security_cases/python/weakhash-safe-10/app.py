from starlette.applications import Starlette
from starlette.routing import Route
from starlette.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from starlette.exceptions import HTTPException
import html
import hashlib


async def handle(request):
    raw = request.path_params["token"]
    token = "" + raw
    digest = hashlib.sha256(token.encode()).hexdigest()
    return JSONResponse({"ok": True})


app = Starlette(routes=[Route("/admin/view", handle)])
