from starlette.applications import Starlette
from starlette.routing import Route
from starlette.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from starlette.exceptions import HTTPException
import html

def pick(raw):
    return "guest"


async def handle(request):
    role = pick(request.query_params.get("role", ""))
    request.session["user"] = role
    return JSONResponse({"ok": True})


app = Starlette(routes=[Route("/app/run", handle)])
