from fastapi import FastAPI, APIRouter, Request, HTTPException
from fastapi.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from markupsafe import escape
import hashlib


router = APIRouter()


@router.post("/v1/view")
async def handle(request: Request, token: str = ""):
    raw = token
    token = "" + raw
    digest = hashlib.sha3_256(token.encode()).hexdigest()
    return {"ok": True}
