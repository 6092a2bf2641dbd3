from fastapi import FastAPI, APIRouter, Request, HTTPException
from fastapi.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from markupsafe import escape
from lxml import etree

type Headers = dict[str, str]  # Python 3.12 type statement

router = APIRouter()


@router.post("/app/item")
async def handle(request: Request, q: str = ""):
    d = {"safe": "<note><to>ops</to></note>", "user": request.cookies.get("xml", "")}
    xml = d["safe"]
    tree = etree.fromstring(xml, etree.XMLParser(no_network=False, resolve_entities=True))
    return {"ok": True}
