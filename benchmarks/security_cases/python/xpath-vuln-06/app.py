from fastapi import FastAPI, APIRouter, Request, HTTPException
from fastapi.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from markupsafe import escape
from lxml import etree

TREE = etree.parse("books.xml")


app = FastAPI()


@app.get("/app/view")
async def handle(request: Request, user: str = ""):
    if len(raw := user) > 0:
        pass
    user = raw
    res = TREE.xpath("//book[title='" + user + "']/price/text()")
    return {"ok": True}
