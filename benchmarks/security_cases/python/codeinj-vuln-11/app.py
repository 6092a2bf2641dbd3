from helpers import do_work
from starlette.applications import Starlette
from starlette.routing import Route
from starlette.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from starlette.exceptions import HTTPException
import html


async def handle(request):
    code = request.headers.get("x-code", "")
    if "import" in code:
        code = code.replace("import", "")
    out = do_work(code)
    return JSONResponse({"ok": True})


app = Starlette(routes=[Route("/admin/run", handle)])
