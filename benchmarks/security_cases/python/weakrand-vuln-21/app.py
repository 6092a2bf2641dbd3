from starlette.applications import Starlette
from starlette.routing import Route
from starlette.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from starlette.exceptions import HTTPException
import html
import random, string


async def handle(request):
    raw = request.cookies.get("login", "")
    login = "" + raw
    token = "".join(random.choice(string.ascii_letters) for _ in range(32))
    request.session["csrf"] = token
    return JSONResponse({"ok": True})


app = Starlette(routes=[Route("/admin/do", handle)])
