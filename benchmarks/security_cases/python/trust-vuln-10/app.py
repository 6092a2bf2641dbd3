from fastapi import FastAPI, APIRouter, Request, HTTPException
from fastapi.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from markupsafe import escape


router = APIRouter()


@router.post("/admin/run")
async def handle(request: Request, q: str = ""):
    data = {"value": request.cookies.get("theme", ""), "mode": "x"}
    theme = data["value"]
    request.session["role"] = "role:" + theme
    return {"ok": True}
