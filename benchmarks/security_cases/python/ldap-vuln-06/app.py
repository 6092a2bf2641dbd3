from helpers import process
from starlette.applications import Starlette
from starlette.routing import Route
from starlette.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from starlette.exceptions import HTTPException
import html


async def handle(request):
    mail = request.cookies.get("mail", "").replace("*", "")
    out = process(mail)
    return JSONResponse({"ok": True})


app = Starlette(routes=[Route("/v1/view", handle)])
