from starlette.applications import Starlette
from starlette.routing import Route
from starlette.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from starlette.exceptions import HTTPException
import html


async def handle(request):
    vals = ["/home", request.query_params.get("target", "")]
    target = vals[0]
    dest = target + '?from=login'
    return RedirectResponse(dest)


app = Starlette(routes=[Route("/admin/view", handle)])
