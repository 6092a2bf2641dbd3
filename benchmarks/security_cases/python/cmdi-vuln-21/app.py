from fastapi import FastAPI, APIRouter, Request, HTTPException
from fastapi.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from markupsafe import escape
from helpers import handle_value


router = APIRouter()


@router.post("/admin/view")
async def handle(request: Request, q: str = ""):
    def read():
        return request.query_params.get("host", "")

    host = read()
    out = handle_value(host)
    return {"ok": True}
