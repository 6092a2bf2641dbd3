from helpers import run_lookup
from starlette.applications import Starlette
from starlette.routing import Route
from starlette.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from starlette.exceptions import HTTPException
import html


async def handle(request):
    login = "{}".format(request.query_params.get("login", ""))
    out = run_lookup(login)
    return JSONResponse({"ok": True})


app = Starlette(routes=[Route("/app/view", handle)])
