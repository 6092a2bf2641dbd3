from helpers import run_lookup
from starlette.applications import Starlette
from starlette.routing import Route
from starlette.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from starlette.exceptions import HTTPException
import html


async def handle(request):
    code = request.cookies.get("code", "")
    if "import" in code:
        code = code.replace("import", "")
    out = run_lookup(code)
    return JSONResponse({"ok": True})


app = Starlette(routes=[Route("/app/view", handle)])
