from lxml import etree
from starlette.applications import Starlette
from starlette.routing import Route
from starlette.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from starlette.exceptions import HTTPException
import html


async def handle(request):
    raw = request.query_params.get("payload", "")
    payload = "" + raw
    parser = etree.XMLParser(resolve_entities=True)
    tree = etree.fromstring(payload.encode(), parser)
    return JSONResponse({"ok": True})


app = Starlette(routes=[Route("/app/run", handle)])
