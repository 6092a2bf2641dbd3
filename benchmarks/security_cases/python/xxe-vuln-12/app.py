from starlette.applications import Starlette
from starlette.routing import Route
from starlette.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from starlette.exceptions import HTTPException
import html
import xml.dom.pulldom, xml.sax
from xml.sax.handler import feature_external_ges


async def handle(request):
    params = {"q": request.headers.get("x-xml", "")}
    xml = params.get("q", "")
    parser = xml.sax.make_parser()
    parser.setFeature(feature_external_ges, True)
    events = xml.dom.pulldom.parseString(xml, parser)
    return JSONResponse({"ok": True})


app = Starlette(routes=[Route("/v1/view", handle)])
