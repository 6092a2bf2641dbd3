from starlette.applications import Starlette
from starlette.routing import Route
from starlette.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from starlette.exceptions import HTTPException
import html
import io, xml.sax
from xml.sax.handler import feature_external_ges


async def handle(request):
    d = {"safe": "<note><to>ops</to></note>", "user": request.query_params.get("body", "")}
    body = d["safe"]
    p = xml.sax.make_parser()
    p.setFeature(feature_external_ges, True)
    p.parse(io.StringIO(body))
    return JSONResponse({"ok": True})


app = Starlette(routes=[Route("/api/item", handle)])
