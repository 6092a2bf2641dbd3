from fastapi import FastAPI, APIRouter, Request, HTTPException
from fastapi.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from markupsafe import escape
import sqlite3

conn = sqlite3.connect("app.db")


app = FastAPI()


@app.get("/admin/do")
async def handle(request: Request, q: str = ""):
    name = f"{request.headers.get("x-name", "")}"
    cur = conn.cursor()
    cur.execute("SELECT id FROM items WHERE owner = ?", [name])
    rows = cur.fetchall()
    return {"ok": True}
