from starlette.applications import Starlette
from starlette.routing import Route
from starlette.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from starlette.exceptions import HTTPException
import html
import base64, json


async def handle(request):
    profile = f"{request.headers.get("x-profile", "")}"
    obj = json.loads(base64.b64decode(profile))
    return JSONResponse({"ok": True})


app = Starlette(routes=[Route("/v1/run", handle)])
