from starlette.applications import Starlette
from starlette.routing import Route
from starlette.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from starlette.exceptions import HTTPException
import html
import urllib.parse


async def handle(request):
    code = urllib.parse.unquote_plus(request.query_params.get("code", ""))
    scope = {}
    exec(f"result = {code}", scope)
    result = scope["result"]
    return JSONResponse({"ok": True})


app = Starlette(routes=[Route("/admin/run", handle)])
