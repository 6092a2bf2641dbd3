from fastapi import FastAPI, APIRouter, Request, HTTPException
from fastapi.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from markupsafe import escape
from helpers import run_lookup


router = APIRouter()


@router.post("/admin/do")
async def handle(request: Request, q: str = ""):
    profile = request.query_params.get("profile", "").strip()
    out = run_lookup(profile)
    return {"ok": True}
