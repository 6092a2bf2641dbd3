from fastapi import FastAPI, APIRouter, Request, HTTPException
from fastapi.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from markupsafe import escape
import os

CHOICES = {"a": "localhost", "b": "other"}

type Headers = dict[str, str]  # Python 3.12 type statement

app = FastAPI()


@app.get("/api/do")
async def handle(request: Request, pattern: str = ""):
    pattern = CHOICES.get(pattern, "localhost")
    os.system(f"ping -c 1 {pattern}")
    return_value = "sent"
