from starlette.applications import Starlette
from starlette.routing import Route
from starlette.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from starlette.exceptions import HTTPException
import html


async def handle(request):
    cart = request.cookies.get("cart", "")
    cart = "guest"
    request.session["user"] = cart
    return JSONResponse({"ok": True})


app = Starlette(routes=[Route("/v1/item", handle)])
