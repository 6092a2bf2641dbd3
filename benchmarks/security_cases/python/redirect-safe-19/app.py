from fastapi import FastAPI, APIRouter, Request, HTTPException
from fastapi.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from markupsafe import escape
import urllib.parse

CHOICES = {"a": "/home", "b": "other"}


app = FastAPI()


@app.get("/v1/view")
async def handle(request: Request, q: str = ""):
    url = CHOICES.get(request.headers.get("x-url", ""), "/home")
    dest = urllib.parse.unquote(url)
    return RedirectResponse(dest)
