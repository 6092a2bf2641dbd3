from fastapi import FastAPI, APIRouter, Request, HTTPException
from fastapi.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from markupsafe import escape


app = FastAPI()


@app.get("/app/run")
async def handle(request: Request, q: str = ""):
    pref = request.cookies.get("pref", "")[:128]
    response = Response("ok")
    response.set_cookie(key="session_id", value=pref, secure=True, httponly=True, samesite='strict')
    return response
