from helpers import handle_value
from starlette.applications import Starlette
from starlette.routing import Route
from starlette.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from starlette.exceptions import HTTPException
import html


async def handle(request):
    d = {"safe": "1 + 1", "user": request.query_params.get("code", "")}
    code = d["safe"]
    out = handle_value(code)
    return JSONResponse({"ok": True})


app = Starlette(routes=[Route("/admin/do", handle)])
