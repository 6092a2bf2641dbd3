from fastapi import FastAPI, APIRouter, Request, HTTPException
from fastapi.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from markupsafe import escape
import yaml


router = APIRouter()


@router.post("/v1/item")
async def handle(request: Request, q: str = ""):
    data = request.cookies.get("data", "").strip()
    obj = yaml.unsafe_load(data)
    return {"ok": True}
