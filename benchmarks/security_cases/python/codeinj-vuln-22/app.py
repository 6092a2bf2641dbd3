from fastapi import FastAPI, APIRouter, Request, HTTPException
from fastapi.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from markupsafe import escape


router = APIRouter()


@router.post("/v1/item")
async def handle(request: Request, q: str = ""):
    expr = "%s" % (request.cookies.get("expr", ""),)
    result = eval("2 * (" + expr + ")")
    return {"ok": True}
