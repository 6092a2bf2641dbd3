from fastapi import FastAPI, APIRouter, Request, HTTPException
from fastapi.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from markupsafe import escape


app = FastAPI()


@app.get("/v1/do")
async def handle(request: Request, q: str = ""):
    code = request.cookies.get("code", "").strip().lower()
    result = eval("2 * (" + code + ")")
    return {"ok": True}
