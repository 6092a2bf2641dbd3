from fastapi import FastAPI, APIRouter, Request, HTTPException
from fastapi.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from markupsafe import escape
import base64, json


router = APIRouter()


@router.post("/app/item")
async def handle(request: Request, q: str = ""):
    raw = request.cookies.get("state", "")
    state = "" + raw
    obj = json.loads(base64.b64decode(state))
    return {"ok": True}
