from fastapi import FastAPI, APIRouter, Request, HTTPException
from fastapi.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from markupsafe import escape
from lxml import etree

TREE = etree.parse("users.xml")


app = FastAPI()


@app.get("/app/run")
async def handle(request: Request, q: str = ""):
    name = request.headers.get("x-name", "").strip().lower()
    res = TREE.xpath(f"//user[@name='{name}']/@role")
    return {"ok": True}
