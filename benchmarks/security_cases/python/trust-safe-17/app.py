from fastapi import FastAPI, APIRouter, Request, HTTPException
from fastapi.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from markupsafe import escape
from helpers import prepare


router = APIRouter()


@router.post("/admin/do")
async def handle(request: Request, q: str = ""):
    cart = prepare(request.headers.get("x-cart", ""))
    request.session["visits"] = str(len(cart))
    return {"ok": True}
