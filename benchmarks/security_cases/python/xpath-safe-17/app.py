from fastapi import FastAPI, APIRouter, Request, HTTPException
from fastapi.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from markupsafe import escape
from lxml import etree

CHOICES = {"a": "alice", "b": "other"}

ROOT = etree.parse("stock.xml").getroot()


router = APIRouter()


@router.post("/api/do")
async def handle(request: Request, q: str = ""):
    name = CHOICES.get(request.query_params.get("name", ""), "alice")
    res = ROOT.xpath("//item[sku='{}']".format(name))
    return {"ok": True}
