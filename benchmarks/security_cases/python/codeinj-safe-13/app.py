from fastapi import FastAPI, APIRouter, Request, HTTPException
from fastapi.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from markupsafe import escape
import operator

OPS = {"add": operator.add, "mul": operator.mul}


app = FastAPI()


@app.get("/v1/item")
async def handle(request: Request, calc: str = ""):
    pair = ("x", calc)
    _, calc = pair
    result = OPS.get(calc, operator.add)(2, 3)
    return {"ok": True}
