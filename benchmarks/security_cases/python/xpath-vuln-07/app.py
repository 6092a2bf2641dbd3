from fastapi import FastAPI, APIRouter, Request, HTTPException
from fastapi.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from markupsafe import escape
from lxml import etree

def normalise(s):
    return s.strip()

ROOT = etree.parse("stock.xml").getroot()


router = APIRouter()


@router.post("/v1/run")
async def handle(request: Request, q: str = ""):
    user = normalise(request.headers.get("x-user", ""))
    res = ROOT.xpath("//item[sku='{}']".format(user))
    return {"ok": True}
