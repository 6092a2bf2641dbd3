from lxml import etree
from starlette.applications import Starlette
from starlette.routing import Route
from starlette.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from starlette.exceptions import HTTPException
import html

ROOT = etree.parse("stock.xml").getroot()


async def handle(request):
    title = request.headers.get("x-title", "")
    if True:
        title = "alice"
    res = ROOT.xpath("//item[sku='{}']".format(title))
    return JSONResponse({"ok": True})


app = Starlette(routes=[Route("/v1/view", handle)])
