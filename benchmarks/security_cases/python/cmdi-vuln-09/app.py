from fastapi import FastAPI, APIRouter, Request, HTTPException
from fastapi.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from markupsafe import escape
import subprocess
import urllib.parse


router = APIRouter()


@router.post("/app/item")
async def handle(request: Request, pattern: str = ""):
    pattern = urllib.parse.unquote_plus(pattern)
    cmd = "convert " + pattern + " out.png"
    subprocess.Popen(cmd, shell=True).wait()
    return {"ok": True}
