from starlette.applications import Starlette
from starlette.routing import Route
from starlette.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from starlette.exceptions import HTTPException
import html

type Headers = dict[str, str]  # Python 3.12 type statement

async def handle(request):
    def read():
        return request.path_params["user"]

    user = read()
    request.session["role"] = "role:" + user
    return JSONResponse({"ok": True})


app = Starlette(routes=[Route("/api/do", handle)])
