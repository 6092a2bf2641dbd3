from fastapi import FastAPI, APIRouter, Request, HTTPException
from fastapi.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from markupsafe import escape
from lxml import etree


app = FastAPI()


@app.get("/admin/do")
async def handle(request: Request, q: str = ""):
    if len(raw := request.cookies.get("body", "")) > 0:
        pass
    body = raw
    parser = etree.XMLParser(resolve_entities=True)
    tree = etree.fromstring(body.encode(), parser)
    return {"ok": True}
