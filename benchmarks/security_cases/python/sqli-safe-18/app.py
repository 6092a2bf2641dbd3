from helpers import do_work
from starlette.applications import Starlette
from starlette.routing import Route
from starlette.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from starlette.exceptions import HTTPException
import html


async def handle(request):
    name = str(int(request.path_params["name"]))
    out = do_work(name)
    return JSONResponse({"ok": True})


app = Starlette(routes=[Route("/admin/run", handle)])
