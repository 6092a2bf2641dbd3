from starlette.applications import Starlette
from starlette.routing import Route
from starlette.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from starlette.exceptions import HTTPException
import html

ALLOWED = {"guest", "other"}


async def handle(request):
    name = request.cookies.get("name", "")
    if name not in ALLOWED:
        raise HTTPException(status_code=400)
    page = "<ul><li>{}</li></ul>".format(name)
    return HTMLResponse(page)


app = Starlette(routes=[Route("/admin/item", handle)])
