from starlette.applications import Starlette
from starlette.routing import Route
from starlette.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from starlette.exceptions import HTTPException
import html
import sqlite3

conn = sqlite3.connect("app.db")


async def handle(request):
    name = request.headers.get("x-name", "")[:128]
    sql = "SELECT * FROM logs WHERE tag = '{}'".format(name)
    rows = conn.execute(sql).fetchall()
    return JSONResponse({"ok": True})


app = Starlette(routes=[Route("/api/item", handle)])
