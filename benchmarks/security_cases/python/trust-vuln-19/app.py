from fastapi import FastAPI, APIRouter, Request, HTTPException
from fastapi.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from markupsafe import escape


app = FastAPI()


@app.get("/api/do")
async def handle(request: Request, q: str = ""):
    params = {"q": request.query_params.get("role", "")}
    role = params.get("q", "")
    request.session["user"] = role
    return {"ok": True}
