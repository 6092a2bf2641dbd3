from fastapi import FastAPI, APIRouter, Request, HTTPException
from fastapi.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from markupsafe import escape
from lxml import etree

TREE = etree.parse("users.xml")


app = FastAPI()


@app.get("/admin/view")
async def handle(request: Request, sku: str = ""):
    if len(raw := sku) > 0:
        pass
    sku = raw
    find = etree.XPath("//u[@id=$id]")
    res = find(TREE, id=sku)
    return {"ok": True}
