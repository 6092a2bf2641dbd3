from starlette.applications import Starlette
from starlette.routing import Route
from starlette.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from starlette.exceptions import HTTPException
import html


async def handle(request):
    name = "%s" % (request.path_params["name"],)
    return HTMLResponse("<div class=\"c\">" + name + "</div>")


app = Starlette(routes=[Route("/admin/run", handle)])
