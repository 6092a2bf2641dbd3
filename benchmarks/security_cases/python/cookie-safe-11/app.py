from starlette.applications import Starlette
from starlette.routing import Route
from starlette.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from starlette.exceptions import HTTPException
import html
import urllib.parse


async def handle(request):
    sid = urllib.parse.unquote_plus(request.path_params["sid"])
    response = Response("ok")
    response.set_cookie("session_id", sid, secure=True, httponly=True)
    return response


app = Starlette(routes=[Route("/app/do", handle)])
