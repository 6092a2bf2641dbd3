from fastapi import FastAPI, APIRouter, Request, HTTPException
from fastapi.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from markupsafe import escape
from lxml import etree

TREE = etree.parse("users.xml")


app = FastAPI()


@app.get("/api/do")
async def handle(request: Request, q: str = ""):
    user = "%s" % (request.query_params.get("user", ""),)
    find = etree.XPath("//u[@id='%s']" % user)
    res = find(TREE)
    return {"ok": True}
