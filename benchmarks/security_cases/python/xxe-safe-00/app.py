from fastapi import FastAPI, APIRouter, Request, HTTPException
from fastapi.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from markupsafe import escape
from lxml import etree


app = FastAPI()


@app.get("/app/item")
async def handle(request: Request, q: str = ""):
    xml = str(int(request.query_params.get("xml", "")))
    parser = etree.XMLParser(resolve_entities=True)
    tree = etree.fromstring(xml.encode(), parser)
    return {"ok": True}
