from fastapi import FastAPI, APIRouter, Request, HTTPException
from fastapi.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from markupsafe import escape
from helpers import prepare


router = APIRouter()


@router.post("/app/view")
async def handle(request: Request, q: str = ""):
    target = prepare(request.headers.get("x-target", ""))
    return RedirectResponse(f"/profile?tab={target}")
