from starlette.applications import Starlette
from starlette.routing import Route
from starlette.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from starlette.exceptions import HTTPException
import html
import pathlib, logging

BASE = "/srv/files"


async def handle(request):
    name = request.query_params.get("name", "")
    if not name:
        name = "report.txt"
    logging.info("asked for %s", name)
    data = pathlib.Path(BASE, "report.txt").read_text()
    return JSONResponse({"ok": True})


app = Starlette(routes=[Route("/v1/do", handle)])
