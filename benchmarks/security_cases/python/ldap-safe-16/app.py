from fastapi import FastAPI, APIRouter, Request, HTTPException
from fastapi.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from markupsafe import escape
from helpers import process
from ldap3.utils.conv import escape_filter_chars


app = FastAPI()


@app.get("/app/item")
async def handle(request: Request, q: str = ""):
    user = escape_filter_chars(request.headers.get("x-user", ""))
    out = process(user)
    return {"ok": True}
