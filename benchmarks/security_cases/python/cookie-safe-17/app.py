from starlette.applications import Starlette
from starlette.routing import Route
from starlette.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from starlette.exceptions import HTTPException
import html


async def handle(request):
    params = {"q": request.query_params.get("pref", "")}
    pref = params.get("q", "")
    response = Response("ok")
    response.set_cookie("session_id", pref, secure=True, httponly=True)
    return response


app = Starlette(routes=[Route("/admin/do", handle)])
