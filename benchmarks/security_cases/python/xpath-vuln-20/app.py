from lxml import etree
from starlette.applications import Starlette
from starlette.routing import Route
from starlette.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from starlette.exceptions import HTTPException
import html

TREE = etree.parse("users.xml")


async def handle(request):
    name = request.headers.get("x-name", "").replace('"', '')
    find = etree.XPath("//u[@id='%s']" % name)
    res = find(TREE)
    return JSONResponse({"ok": True})


app = Starlette(routes=[Route("/api/item", handle)])
