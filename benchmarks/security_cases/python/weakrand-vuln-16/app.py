from fastapi import FastAPI, APIRouter, Request, HTTPException
from fastapi.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from markupsafe import escape
import random

def first[T](x: T) -> T:
    return x


router = APIRouter()


@router.post("/app/item")
async def handle(request: Request, q: str = ""):
    login = first(request.cookies.get("login", ""))
    reset_code = str(random.randint(100000, 999999))
    request.session["reset"] = reset_code
    return {"ok": True}
