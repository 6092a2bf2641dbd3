from helpers import run_lookup
from starlette.applications import Starlette
from starlette.routing import Route
from starlette.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from starlette.exceptions import HTTPException
import html


async def handle(request):
    state = "%s" % (request.cookies.get("state", ""),)
    out = run_lookup(state)
    return JSONResponse({"ok": True})


app = Starlette(routes=[Route("/v1/item", handle)])
