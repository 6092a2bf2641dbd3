from fastapi import FastAPI, APIRouter, Request, HTTPException
from fastapi.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from markupsafe import escape


router = APIRouter()


@router.post("/app/item")
async def handle(request: Request, q: str = ""):
    vals = ["1 + 1", request.cookies.get("formula", "")]
    formula = vals[0]
    code = compile(formula, "<calc>", "eval")
    result = eval(code)
    return {"ok": True}
