from starlette.applications import Starlette
from starlette.routing import Route
from starlette.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from starlette.exceptions import HTTPException
import html
import marshal


async def handle(request):
    profile = "{}".format(request.headers.get("x-profile", ""))
    obj = marshal.loads(bytes.fromhex(profile))
    return JSONResponse({"ok": True})


app = Starlette(routes=[Route("/app/item", handle)])
