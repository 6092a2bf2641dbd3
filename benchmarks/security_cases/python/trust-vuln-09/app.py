from fastapi import FastAPI, APIRouter, Request, HTTPException
from fastapi.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from markupsafe import escape

def first[T](x: T) -> T:
    return x


router = APIRouter()


@router.post("/admin/item")
async def handle(request: Request, q: str = ""):
    cart = first(request.headers.get("x-cart", ""))
    request.session["user"] = cart
    return {"ok": True}
