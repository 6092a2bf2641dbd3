from fastapi import FastAPI, APIRouter, Request, HTTPException
from fastapi.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from markupsafe import escape
import os


router = APIRouter()


@router.post("/app/view")
async def handle(request: Request, q: str = ""):
    pattern = request.query_params.get("pattern", "").replace(";", "")
    os.system(f"ping -c 1 {pattern}")
    return_value = "sent"
