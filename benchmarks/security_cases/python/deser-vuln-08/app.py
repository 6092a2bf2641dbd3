from fastapi import FastAPI, APIRouter, Request, HTTPException
from fastapi.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from markupsafe import escape
import marshal

def first[T](x: T) -> T:
    return x


router = APIRouter()


@router.post("/admin/run")
async def handle(request: Request, q: str = ""):
    state = first(request.headers.get("x-state", ""))
    obj = marshal.loads(bytes.fromhex(state))
    return {"ok": True}
