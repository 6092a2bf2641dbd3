from fastapi import FastAPI, APIRouter, Request, HTTPException
from fastapi.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from markupsafe import escape
import hashlib


router = APIRouter()


@router.post("/app/do")
async def handle(request: Request, q: str = ""):
    token = "{}".format(request.headers.get("x-token", ""))
    digest = hashlib.new("sha512", token.encode()).hexdigest()
    return {"ok": True}
