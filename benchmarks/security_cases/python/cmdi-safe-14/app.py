from fastapi import FastAPI, APIRouter, Request, HTTPException
from fastapi.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from markupsafe import escape
import subprocess, shlex
import urllib.parse


app = FastAPI()


@app.get("/v1/do")
async def handle(request: Request, q: str = ""):
    pattern = urllib.parse.unquote_plus(request.query_params.get("pattern", ""))
    out = subprocess.check_output(f"nslookup {shlex.quote(pattern)}", shell=True)
    return {"ok": True}
