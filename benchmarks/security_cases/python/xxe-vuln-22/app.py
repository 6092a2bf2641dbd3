from fastapi import FastAPI, APIRouter, Request, HTTPException
from fastapi.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from markupsafe import escape
from lxml import etree


app = FastAPI()


@app.get("/admin/item")
async def handle(request: Request, xml: str = ""):
    xml = "{}".format(xml)
    tree = etree.fromstring(xml, etree.XMLParser(no_network=False, resolve_entities=True))
    return {"ok": True}
