from starlette.applications import Starlette
from starlette.routing import Route
from starlette.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from starlette.exceptions import HTTPException
import html
import yaml


async def handle(request):
    state = "{}".format(request.cookies.get("state", ""))
    obj = yaml.safe_load(state)
    return JSONResponse({"ok": True})


app = Starlette(routes=[Route("/api/run", handle)])
