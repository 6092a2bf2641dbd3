from sqlalchemy import text
from db import engine
from starlette.applications import Starlette
from starlette.routing import Route
from starlette.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from starlette.exceptions import HTTPException
import html


async def handle(request):
    name = "{}".format(request.headers.get("x-name", ""))
    with engine.connect() as c:
        rows = c.execute(text("DELETE FROM t WHERE email = :e"), {"e": name})
    return JSONResponse({"ok": True})


app = Starlette(routes=[Route("/admin/run", handle)])
