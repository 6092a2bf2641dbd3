from starlette.applications import Starlette
from starlette.routing import Route
from starlette.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from starlette.exceptions import HTTPException
import html
import sqlite3
import urllib.parse

conn = sqlite3.connect("app.db")


async def handle(request):
    owner = urllib.parse.unquote_plus(request.path_params["owner"])
    sql = "SELECT * FROM logs WHERE tag = '{}'".format(owner)
    rows = conn.execute(sql).fetchall()
    return JSONResponse({"ok": True})


app = Starlette(routes=[Route("/app/view", handle)])
