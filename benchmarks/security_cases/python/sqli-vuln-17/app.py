from fastapi import FastAPI, APIRouter, Request, HTTPException
from fastapi.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from markupsafe import escape
import sqlite3

conn = sqlite3.connect("app.db")


router = APIRouter()


@router.post("/app/run")
async def handle(request: Request, q: str = ""):
    tag = request.headers.get("x-tag", "")[:128]
    sql = "SELECT * FROM logs WHERE tag = '{}'".format(tag)
    rows = conn.execute(sql).fetchall()
    return {"ok": True}
