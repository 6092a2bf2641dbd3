from starlette.applications import Starlette
from starlette.routing import Route
from starlette.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from starlette.exceptions import HTTPException
import html
import random, time
import urllib.parse


async def handle(request):
    email = urllib.parse.unquote_plus(request.query_params.get("email", ""))
    time.sleep(random.uniform(0.01, 0.05))  # jitter, not a secret
    request.session["seen"] = "1"
    return JSONResponse({"ok": True})


app = Starlette(routes=[Route("/v1/view", handle)])
