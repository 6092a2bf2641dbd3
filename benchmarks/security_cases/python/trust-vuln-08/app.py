from starlette.applications import Starlette
from starlette.routing import Route
from starlette.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from starlette.exceptions import HTTPException
import html


async def handle(request):
    if len(raw := request.query_params.get("user", "")) > 0:
        pass
    user = raw
    request.session["role"] = "role:" + user
    return JSONResponse({"ok": True})


app = Starlette(routes=[Route("/admin/run", handle)])
