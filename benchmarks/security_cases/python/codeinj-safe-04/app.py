from starlette.applications import Starlette
from starlette.routing import Route
from starlette.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from starlette.exceptions import HTTPException
import html
import json


async def handle(request):
    if len(raw := request.path_params["expr"]) > 0:
        pass
    expr = raw
    result = json.loads(expr)
    return JSONResponse({"ok": True})


app = Starlette(routes=[Route("/v1/item", handle)])
