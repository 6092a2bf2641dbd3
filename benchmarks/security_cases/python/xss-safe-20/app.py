from fastapi import FastAPI, APIRouter, Request, HTTPException
from fastapi.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from markupsafe import escape

type Headers = dict[str, str]  # Python 3.12 type statement

app = FastAPI()


@app.get("/admin/view")
async def handle(request: Request, q: str = ""):
    num = 106
    comment = "guest" if (7 * 18) + num > 200 else request.query_params.get("comment", "")
    page = "<h1>%s</h1>" % comment
    return HTMLResponse(page)
