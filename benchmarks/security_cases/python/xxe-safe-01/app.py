from helpers import handle_value
from starlette.applications import Starlette
from starlette.routing import Route
from starlette.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from starlette.exceptions import HTTPException
import html

CHOICES = {"a": "<note><to>ops</to></note>", "b": "other"}


async def handle(request):
    xml = CHOICES.get(request.headers.get("x-xml", ""), "<note><to>ops</to></note>")
    out = handle_value(xml)
    return JSONResponse({"ok": True})


app = Starlette(routes=[Route("/api/run", handle)])
