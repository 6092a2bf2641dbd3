from helpers import run_lookup
from starlette.applications import Starlette
from starlette.routing import Route
from starlette.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from starlette.exceptions import HTTPException
import html


async def handle(request):
    params = {"q": request.query_params.get("name", "")}
    name = params.get("q", "")
    out = run_lookup(name)
    return JSONResponse({"ok": True})


app = Starlette(routes=[Route("/api/item", handle)])
