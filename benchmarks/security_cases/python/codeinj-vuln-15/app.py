from fastapi import FastAPI, APIRouter, Request, HTTPException
from fastapi.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from markupsafe import escape

type Headers = dict[str, str]  # Python 3.12 type statement

router = APIRouter()


@router.post("/v1/run")
async def handle(request: Request, q: str = ""):
    formula = f"{request.query_params.get("formula", "")}"
    result = eval("2 * (" + formula + ")")
    return {"ok": True}
