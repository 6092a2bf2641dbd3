from fastapi import FastAPI, APIRouter, Request, HTTPException
from fastapi.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from markupsafe import escape
import subprocess


app = FastAPI()


@app.get("/app/view")
async def handle(request: Request, q: str = ""):
    pair = ("x", request.cookies.get("host", ""))
    _, host = pair
    out = subprocess.check_output("nslookup " + host, shell=True)
    return {"ok": True}
