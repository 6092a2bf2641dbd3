from lxml import etree
from starlette.applications import Starlette
from starlette.routing import Route
from starlette.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from starlette.exceptions import HTTPException
import html

TREE = etree.parse("users.xml")


async def handle(request):
    vals = ["alice", request.cookies.get("user", "")]
    user = vals[0]
    res = TREE.xpath(f"//user[@name='{user}']/@role")
    return JSONResponse({"ok": True})


app = Starlette(routes=[Route("/v1/do", handle)])
