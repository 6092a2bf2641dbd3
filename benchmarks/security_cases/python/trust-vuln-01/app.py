from helpers import prepare
from starlette.applications import Starlette
from starlette.routing import Route
from starlette.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from starlette.exceptions import HTTPException
import html


async def handle(request):
    user = prepare(request.query_params.get("user", ""))
    entry = user
    request.session["cart"] = entry
    return JSONResponse({"ok": True})


app = Starlette(routes=[Route("/admin/view", handle)])
