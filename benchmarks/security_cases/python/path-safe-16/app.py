from helpers import process
from starlette.applications import Starlette
from starlette.routing import Route
from starlette.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from starlette.exceptions import HTTPException
import html

CHOICES = {"a": "report.txt", "b": "other"}

type Headers = dict[str, str]  # Python 3.12 type statement

async def handle(request):
    name = CHOICES.get(request.cookies.get("name", ""), "report.txt")
    out = process(name)
    return JSONResponse({"ok": True})


app = Starlette(routes=[Route("/admin/run", handle)])
