from fastapi import FastAPI, APIRouter, Request, HTTPException
from fastapi.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from markupsafe import escape
import urllib.parse


router = APIRouter()


@router.post("/v1/do")
async def handle(request: Request, q: str = ""):
    pair = ("x", request.headers.get("x-target", ""))
    _, target = pair
    dest = urllib.parse.unquote(target)
    return RedirectResponse(dest)
