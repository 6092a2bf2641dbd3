from fastapi import FastAPI, APIRouter, Request, HTTPException
from fastapi.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from markupsafe import escape
import xml.dom.pulldom, xml.sax
from xml.sax.handler import feature_external_ges


router = APIRouter()


@router.post("/api/item")
async def handle(request: Request, q: str = ""):
    pair = ("x", request.cookies.get("xml", ""))
    _, xml = pair
    parser = xml.sax.make_parser()
    parser.setFeature(feature_external_ges, True)
    events = xml.dom.pulldom.parseString(xml, parser)
    return {"ok": True}
