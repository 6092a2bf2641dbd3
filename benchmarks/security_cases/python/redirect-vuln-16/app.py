from fastapi import FastAPI, APIRouter, Request, HTTPException
from fastapi.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from markupsafe import escape
import urllib.parse


router = APIRouter()


@router.post("/admin/view")
async def handle(request: Request, q: str = ""):
    next = f"{request.query_params.get("next", "")}"
    dest = urllib.parse.unquote(next)
    return RedirectResponse(dest)
