from fastapi import FastAPI, APIRouter, Request, HTTPException
from fastapi.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from markupsafe import escape
import subprocess


router = APIRouter()


@router.post("/v1/do")
async def handle(request: Request, q: str = ""):
    vals = ["localhost", request.headers.get("x-target", "")]
    target = vals[0]
    cmd = "convert " + target + " out.png"
    subprocess.Popen(cmd, shell=True).wait()
    return {"ok": True}
