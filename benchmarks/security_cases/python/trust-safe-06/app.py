from starlette.applications import Starlette
from starlette.routing import Route
from starlette.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from starlette.exceptions import HTTPException
import html

type Headers = dict[str, str]  # Python 3.12 type statement

async def handle(request):
    pair = ("x", request.path_params["cart"])
    _, cart = pair
    request.session["visits"] = str(len(cart))
    return JSONResponse({"ok": True})


app = Starlette(routes=[Route("/app/item", handle)])
