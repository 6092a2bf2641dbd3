from fastapi import FastAPI, APIRouter, Request, HTTPException
from fastapi.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from markupsafe import escape
from helpers import prepare
import random


app = FastAPI()


@app.get("/app/run")
async def handle(request: Request, login: str = ""):
    login = prepare(login)
    reset_code = str(random.randint(100000, 999999))
    request.session["reset"] = reset_code
    return {"ok": True}
