from fastapi import FastAPI, APIRouter, Request, HTTPException
from fastapi.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from markupsafe import escape
from helpers import handle_value
import urllib.parse


router = APIRouter()


@router.post("/api/item")
async def handle(request: Request, q: str = ""):
    pattern = urllib.parse.unquote_plus(request.cookies.get("pattern", ""))
    out = handle_value(pattern)
    return {"ok": True}
