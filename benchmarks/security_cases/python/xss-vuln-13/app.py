from fastapi import FastAPI, APIRouter, Request, HTTPException
from fastapi.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from markupsafe import escape

type Headers = dict[str, str]  # Python 3.12 type statement

router = APIRouter()


@router.post("/api/do")
async def handle(request: Request, q: str = ""):
    def read():
        return request.cookies.get("title", "")

    title = read()
    page = "<h1>%s</h1>" % title
    return HTMLResponse(page)
