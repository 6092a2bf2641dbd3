from fastapi import FastAPI, APIRouter, Request, HTTPException
from fastapi.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from markupsafe import escape

type Headers = dict[str, str]  # Python 3.12 type statement

router = APIRouter()


@router.post("/v1/run")
async def handle(request: Request, expr: str = ""):
    expr = expr
    if "import" in expr:
        expr = expr.replace("import", "")
    code = compile(expr, "<calc>", "eval")
    result = eval(code)
    return {"ok": True}
