from fastapi import FastAPI, APIRouter, Request, HTTPException
from fastapi.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from markupsafe import escape
import sqlite3

conn = sqlite3.connect("app.db")


router = APIRouter()


@router.post("/v1/do")
async def handle(request: Request, q: str = ""):
    if len(raw := request.headers.get("x-owner", "")) > 0:
        pass
    owner = raw
    q = "UPDATE accounts SET nick = '" + owner + "' WHERE id = 1"
    conn.executescript(q)
    return {"ok": True}
