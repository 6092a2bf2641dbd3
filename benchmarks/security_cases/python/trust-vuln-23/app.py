from starlette.applications import Starlette
from starlette.routing import Route
from starlette.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from starlette.exceptions import HTTPException
import html

type Headers = dict[str, str]  # Python 3.12 type statement

async def handle(request):
    params = {"q": request.cookies.get("role", "")}
    role = params.get("q", "")
    request.session["role"] = "role:" + role
    return JSONResponse({"ok": True})


app = Starlette(routes=[Route("/admin/do", handle)])
