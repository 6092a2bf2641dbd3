from lxml import etree
from starlette.applications import Starlette
from starlette.routing import Route
from starlette.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from starlette.exceptions import HTTPException
import html

TREE = etree.parse("users.xml")


async def handle(request):
    name = request.path_params["name"]
    res = TREE.xpath(f"//user[@name='{name}']/@role")
    return JSONResponse({"ok": True})


app = Starlette(routes=[Route("/v1/do", handle)])
