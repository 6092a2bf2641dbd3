from starlette.applications import Starlette
from starlette.routing import Route
from starlette.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from starlette.exceptions import HTTPException
import html
import os
from werkzeug.utils import secure_filename

BASE = "/srv/files"


async def handle(request):
    parts = []
    for p in request.cookies.get("doc", "").split(","):
        parts.append(p.strip())
    doc = ",".join(parts)
    data = open(os.path.join(BASE, secure_filename(doc))).read()
    return JSONResponse({"ok": True})


app = Starlette(routes=[Route("/admin/do", handle)])
