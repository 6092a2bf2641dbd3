from fastapi import FastAPI, APIRouter, Request, HTTPException
from fastapi.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from markupsafe import escape
import os

UPLOADS = "/srv/uploads"


router = APIRouter()


@router.post("/app/item")
async def handle(request: Request, q: str = ""):
    doc = request.query_params.get("doc", "").replace("../", "")
    os.remove(os.path.join(UPLOADS, doc))
    data = 'removed'
    return {"ok": True}
