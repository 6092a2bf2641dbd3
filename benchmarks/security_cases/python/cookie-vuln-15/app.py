from helpers import prepare
from starlette.applications import Starlette
from starlette.routing import Route
from starlette.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from starlette.exceptions import HTTPException
import html


async def handle(request):
    pref = prepare(request.headers.get("x-pref", ""))
    response = Response("ok")
    response.set_cookie("session_id", pref)
    return response


app = Starlette(routes=[Route("/v1/view", handle)])
