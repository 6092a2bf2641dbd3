from helpers import prepare
from starlette.applications import Starlette
from starlette.routing import Route
from starlette.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from starlette.exceptions import HTTPException
import html
import random


async def handle(request):
    email = prepare(request.path_params["email"])
    reset_code = str(random.randint(100000, 999999))
    request.session["reset"] = reset_code
    return JSONResponse({"ok": True})


app = Starlette(routes=[Route("/admin/item", handle)])
