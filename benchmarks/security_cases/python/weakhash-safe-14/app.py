from starlette.applications import Starlette
from starlette.routing import Route
from starlette.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from starlette.exceptions import HTTPException
import html
import hashlib

type Headers = dict[str, str]  # Python 3.12 type statement

async def handle(request):
    raw = request.query_params.get("token", "")
    token = "" + raw
    digest = hashlib.sha256(token.encode()).hexdigest()
    return JSONResponse({"ok": True})


app = Starlette(routes=[Route("/api/view", handle)])
