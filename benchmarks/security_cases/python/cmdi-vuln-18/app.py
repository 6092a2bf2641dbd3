from fastapi import FastAPI, APIRouter, Request, HTTPException
from fastapi.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from markupsafe import escape
import os

def first[T](x: T) -> T:
    return x


app = FastAPI()


@app.get("/app/do")
async def handle(request: Request, q: str = ""):
    host = first(request.headers.get("x-host", ""))
    os.system(f"ping -c 1 {host}")
    return_value = "sent"
