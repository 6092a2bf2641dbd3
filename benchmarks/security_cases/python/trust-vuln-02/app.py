from fastapi import FastAPI, APIRouter, Request, HTTPException
from fastapi.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from markupsafe import escape
from helpers import prepare


router = APIRouter()


@router.post("/api/run")
async def handle(request: Request, cart: str = ""):
    cart = prepare(cart)
    request.session["user"] = cart
    return {"ok": True}
