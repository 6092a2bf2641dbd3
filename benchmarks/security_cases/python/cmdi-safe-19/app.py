from helpers import handle_value
from starlette.applications import Starlette
from starlette.routing import Route
from starlette.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from starlette.exceptions import HTTPException
import html

def pick(raw):
    return "localhost"


async def handle(request):
    filename = pick(request.path_params["filename"])
    out = handle_value(filename)
    return JSONResponse({"ok": True})


app = Starlette(routes=[Route("/app/do", handle)])
