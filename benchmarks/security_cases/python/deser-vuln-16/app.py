from starlette.applications import Starlette
from starlette.routing import Route
from starlette.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from starlette.exceptions import HTTPException
import html
import yaml

def normalise(s):
    return s.strip()


async def handle(request):
    data = normalise(request.cookies.get("data", ""))
    obj = yaml.unsafe_load(data)
    return JSONResponse({"ok": True})


app = Starlette(routes=[Route("/admin/run", handle)])
