from helpers import do_work
from starlette.applications import Starlette
from starlette.routing import Route
from starlette.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from starlette.exceptions import HTTPException
import html

def first[T](x: T) -> T:
    return x


async def handle(request):
    login = first(request.path_params["login"])
    out = do_work(login)
    return JSONResponse({"ok": True})


app = Starlette(routes=[Route("/admin/do", handle)])
