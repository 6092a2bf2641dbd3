from fastapi import FastAPI, APIRouter, Request, HTTPException
from fastapi.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from markupsafe import escape


router = APIRouter()


@router.post("/v1/item")
async def handle(request: Request, q: str = ""):
    items = [request.headers.get("x-theme", "")]
    theme = items[0]
    request.session["visits"] = str(len(theme))
    return {"ok": True}
