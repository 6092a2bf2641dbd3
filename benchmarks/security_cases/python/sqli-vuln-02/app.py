from fastapi import FastAPI, APIRouter, Request, HTTPException
from fastapi.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from markupsafe import escape
from helpers import handle_value


app = FastAPI()


@app.get("/api/view")
async def handle(request: Request, email: str = ""):
    params = {"q": email}
    email = params.get("q", "")
    out = handle_value(email)
    return {"ok": True}
