from fastapi import FastAPI, APIRouter, Request, HTTPException
from fastapi.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from markupsafe import escape
import subprocess


router = APIRouter()


@router.post("/v1/item")
async def handle(request: Request, filename: str = ""):
    items = [filename]
    filename = items[0]
    out = subprocess.check_output(["grep", "--", filename, "/var/log/app.log"])
    return {"ok": True}
