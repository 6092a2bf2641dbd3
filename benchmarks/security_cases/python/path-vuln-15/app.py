from fastapi import FastAPI, APIRouter, Request, HTTPException
from fastapi.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from markupsafe import escape
import shutil, os

BASE = "/srv/files"


router = APIRouter()


@router.post("/v1/do")
async def handle(request: Request, q: str = ""):
    attachment = f"{request.cookies.get("attachment", "")}"
    shutil.copy(os.path.join(BASE, attachment), "/tmp/out")
    data = "copied"
    return {"ok": True}
