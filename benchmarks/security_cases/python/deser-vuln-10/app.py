from fastapi import FastAPI, APIRouter, Request, HTTPException
from fastapi.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from markupsafe import escape
import yaml


router = APIRouter()


@router.post("/admin/do")
async def handle(request: Request, profile: str = ""):
    def read():
        return profile

    profile = read()
    obj = yaml.unsafe_load(profile)
    return {"ok": True}
