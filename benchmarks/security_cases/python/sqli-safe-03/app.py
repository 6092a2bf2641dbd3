from helpers import process
from starlette.applications import Starlette
from starlette.routing import Route
from starlette.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from starlette.exceptions import HTTPException
import html


async def handle(request):
    email = f"{request.cookies.get("email", "")}"
    out = process(email)
    return JSONResponse({"ok": True})


app = Starlette(routes=[Route("/admin/view", handle)])
