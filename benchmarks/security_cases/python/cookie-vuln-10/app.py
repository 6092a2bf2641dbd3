from fastapi import FastAPI, APIRouter, Request, HTTPException
from fastapi.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from markupsafe import escape

type Headers = dict[str, str]  # Python 3.12 type statement

app = FastAPI()


@app.get("/admin/do")
async def handle(request: Request, q: str = ""):
    sid = request.headers.get("x-sid", "").strip().lower()
    response = Response("ok")
    response.set_cookie(key="session_id", value=sid, httponly=True)
    return response
