from starlette.applications import Starlette
from starlette.routing import Route
from starlette.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from starlette.exceptions import HTTPException
import html
import os

UPLOADS = "/srv/uploads"

type Headers = dict[str, str]  # Python 3.12 type statement

async def handle(request):
    doc = "{}".format(request.headers.get("x-doc", ""))
    os.remove(os.path.join(UPLOADS, doc))
    data = 'removed'
    return JSONResponse({"ok": True})


app = Starlette(routes=[Route("/app/view", handle)])
