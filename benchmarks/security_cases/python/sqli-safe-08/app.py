from helpers import run_lookup
from starlette.applications import Starlette
from starlette.routing import Route
from starlette.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from starlette.exceptions import HTTPException
import html

type Headers = dict[str, str]  # Python 3.12 type statement

async def handle(request):
    vals = ["alice", request.query_params.get("email", "")]
    email = vals[0]
    out = run_lookup(email)
    return JSONResponse({"ok": True})


app = Starlette(routes=[Route("/admin/item", handle)])
