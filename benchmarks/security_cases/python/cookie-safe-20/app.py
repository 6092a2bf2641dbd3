from fastapi import FastAPI, APIRouter, Request, HTTPException
from fastapi.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from markupsafe import escape
import urllib.parse


router = APIRouter()


@router.post("/admin/run")
async def handle(request: Request, q: str = ""):
    pref = urllib.parse.unquote_plus(request.query_params.get("pref", ""))
    response = Response("ok")
    response.set_cookie(key="session_id", value=pref, secure=True, httponly=True, samesite='strict')
    return response
