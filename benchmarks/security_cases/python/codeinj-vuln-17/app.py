from starlette.applications import Starlette
from starlette.routing import Route
from starlette.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from starlette.exceptions import HTTPException
import html

def normalise(s):
    return s.strip()

type Headers = dict[str, str]  # Python 3.12 type statement

async def handle(request):
    code = normalise(request.query_params.get("code", ""))
    scope = {}
    exec(f"result = {code}", scope)
    result = scope["result"]
    return JSONResponse({"ok": True})


app = Starlette(routes=[Route("/app/run", handle)])
