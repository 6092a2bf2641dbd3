from fastapi import FastAPI, APIRouter, Request, HTTPException
from fastapi.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from markupsafe import escape
import sqlite3

conn = sqlite3.connect("app.db")

type Headers = dict[str, str]  # Python 3.12 type statement

router = APIRouter()


@router.post("/admin/view")
async def handle(request: Request, q: str = ""):
    owner = request.headers.get("x-owner", "").replace("--", "")
    rows = conn.execute(f"SELECT * FROM users WHERE name = '{owner}'").fetchall()
    return {"ok": True}
