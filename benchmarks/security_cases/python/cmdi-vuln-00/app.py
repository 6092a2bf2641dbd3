from fastapi import FastAPI, APIRouter, Request, HTTPException
from fastapi.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from markupsafe import escape
import subprocess


router = APIRouter()


@router.post("/api/view")
async def handle(request: Request, q: str = ""):
    items = [request.query_params.get("filename", "")]
    filename = items[0]
    cmd = "convert " + filename + " out.png"
    subprocess.Popen(cmd, shell=True).wait()
    return {"ok": True}
