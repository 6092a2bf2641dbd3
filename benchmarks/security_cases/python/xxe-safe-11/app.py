from lxml import etree
from starlette.applications import Starlette
from starlette.routing import Route
from starlette.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from starlette.exceptions import HTTPException
import html


async def handle(request):
    doc = request.path_params["doc"][:128]
    tree = etree.fromstring(doc.encode(), etree.XMLParser(resolve_entities=False, no_network=True))
    return JSONResponse({"ok": True})


app = Starlette(routes=[Route("/admin/view", handle)])
