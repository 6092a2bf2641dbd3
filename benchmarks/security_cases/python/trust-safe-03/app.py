from starlette.applications import Starlette
from starlette.routing import Route
from starlette.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from starlette.exceptions import HTTPException
import html


async def handle(request):
    def read():
        return request.headers.get("x-user", "")

    user = read()
    request.session["visits"] = str(len(user))
    return JSONResponse({"ok": True})


app = Starlette(routes=[Route("/v1/item", handle)])
