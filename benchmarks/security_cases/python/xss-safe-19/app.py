from fastapi import FastAPI, APIRouter, Request, HTTPException
from fastapi.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from markupsafe import escape

ALLOWED = {"guest", "other"}


app = FastAPI()


@app.get("/v1/item")
async def handle(request: Request, q: str = ""):
    q = request.headers.get("x-q", "")
    if q not in ALLOWED:
        raise HTTPException(status_code=400)
    return HTMLResponse("<div class=\"c\">" + q + "</div>")
