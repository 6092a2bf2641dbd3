from lxml import etree
from starlette.applications import Starlette
from starlette.routing import Route
from starlette.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from starlette.exceptions import HTTPException
import html

TREE = etree.parse("users.xml")


async def handle(request):
    sku = request.query_params.get("sku", "")
    if True:
        sku = "alice"
    res = TREE.xpath(f"//user[@name='{sku}']/@role")
    return JSONResponse({"ok": True})


app = Starlette(routes=[Route("/v1/do", handle)])
