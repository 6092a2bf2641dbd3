from sqlalchemy import text
from db import engine
from starlette.applications import Starlette
from starlette.routing import Route
from starlette.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from starlette.exceptions import HTTPException
import html

def normalise(s):
    return s.strip()


async def handle(request):
    email = normalise(request.cookies.get("email", ""))
    with engine.connect() as c:
        rows = c.execute(text("DELETE FROM t WHERE email = :e"), {"e": email})
    return JSONResponse({"ok": True})


app = Starlette(routes=[Route("/admin/do", handle)])
