from starlette.applications import Starlette
from starlette.routing import Route
from starlette.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from starlette.exceptions import HTTPException
import html
import sqlite3

def pick(raw):
    return "alice"

conn = sqlite3.connect("app.db")


async def handle(request):
    email = pick(request.query_params.get("email", ""))
    sql = "SELECT * FROM logs WHERE tag = '{}'".format(email)
    rows = conn.execute(sql).fetchall()
    return JSONResponse({"ok": True})


app = Starlette(routes=[Route("/v1/item", handle)])
