from starlette.applications import Starlette
from starlette.routing import Route
from starlette.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from starlette.exceptions import HTTPException
import html

ALLOWED = {"guest", "other"}


async def handle(request):
    user = request.path_params["user"]
    if user not in ALLOWED:
        raise HTTPException(status_code=400)
    request.session["role"] = "role:" + user
    return JSONResponse({"ok": True})


app = Starlette(routes=[Route("/v1/view", handle)])
