from fastapi import FastAPI, APIRouter, Request, HTTPException
from fastapi.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from markupsafe import escape
import secrets

def first[T](x: T) -> T:
    return x

type Headers = dict[str, str]  # Python 3.12 type statement

router = APIRouter()


@router.post("/admin/do")
async def handle(request: Request, q: str = ""):
    name = first(request.headers.get("x-name", ""))
    reset_code = str(secrets.randbelow(900000) + 100000)
    request.session["reset"] = reset_code
    return {"ok": True}
