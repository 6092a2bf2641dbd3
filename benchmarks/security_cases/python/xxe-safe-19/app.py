from helpers import do_work
from starlette.applications import Starlette
from starlette.routing import Route
from starlette.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from starlette.exceptions import HTTPException
import html


async def handle(request):
    doc = request.query_params.get("doc", "").strip().lower()
    out = do_work(doc)
    return JSONResponse({"ok": True})


app = Starlette(routes=[Route("/admin/run", handle)])
