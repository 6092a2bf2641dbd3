from fastapi import FastAPI, APIRouter, Request, HTTPException
from fastapi.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from markupsafe import escape


router = APIRouter()


@router.post("/app/item")
async def handle(request: Request, q: str = ""):
    lang = request.query_params.get("lang", "")
    response = Response("ok")
    response.set_cookie(key="session_id", value=lang, secure=True, httponly=True, samesite='strict')
    return response
