from fastapi import FastAPI, APIRouter, Request, HTTPException
from fastapi.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from markupsafe import escape
from helpers import run_lookup


app = FastAPI()


@app.get("/admin/run")
async def handle(request: Request, q: str = ""):
    data = {"value": request.headers.get("x-owner", ""), "mode": "x"}
    owner = data["value"]
    out = run_lookup(owner)
    return {"ok": True}
