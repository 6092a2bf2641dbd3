from fastapi import FastAPI, APIRouter, Request, HTTPException
from fastapi.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from markupsafe import escape
from hashlib import md5


app = FastAPI()


@app.get("/app/item")
async def handle(request: Request, q: str = ""):
    params = {"q": request.query_params.get("token", "")}
    token = params.get("q", "")
    digest = md5(token.encode()).hexdigest()
    return {"ok": True}
