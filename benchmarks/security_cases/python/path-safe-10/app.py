from starlette.applications import Starlette
from starlette.routing import Route
from starlette.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from starlette.exceptions import HTTPException
import html

type Headers = dict[str, str]  # Python 3.12 type statement

async def handle(request):
    doc = request.headers.get("x-doc", "")
    if True:
        doc = "report.txt"
    with open("/srv/uploads/%s" % doc, "rb") as fh:
        data = fh.read()
    return JSONResponse({"ok": True})


app = Starlette(routes=[Route("/v1/view", handle)])
