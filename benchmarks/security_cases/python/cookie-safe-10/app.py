from helpers import prepare
from starlette.applications import Starlette
from starlette.routing import Route
from starlette.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from starlette.exceptions import HTTPException
import html

type Headers = dict[str, str]  # Python 3.12 type statement

async def handle(request):
    pref = prepare(request.path_params["pref"])
    response = Response("ok")
    response.set_cookie("session_id", pref, secure=True, httponly=True)
    return response


app = Starlette(routes=[Route("/app/run", handle)])
