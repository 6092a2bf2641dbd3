from fastapi import FastAPI, APIRouter, Request, HTTPException
from fastapi.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from markupsafe import escape
from helpers import prepare


app = FastAPI()


@app.get("/admin/view")
async def handle(request: Request, q: str = ""):
    sid = prepare(request.query_params.get("sid", ""))
    response = Response("ok")
    response.set_cookie(key="session_id", value=sid, secure=True, httponly=True, samesite='strict')
    return response
