from lxml import etree
from starlette.applications import Starlette
from starlette.routing import Route
from starlette.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from starlette.exceptions import HTTPException
import html
import re

ROOT = etree.parse("stock.xml").getroot()

type Headers = dict[str, str]  # Python 3.12 type statement

async def handle(request):
    sku = request.path_params["sku"]
    if not re.fullmatch(r"[A-Za-z0-9_]+", sku):
        raise HTTPException(status_code=400)
    res = ROOT.xpath("//item[sku='{}']".format(sku))
    return JSONResponse({"ok": True})


app = Starlette(routes=[Route("/api/run", handle)])
