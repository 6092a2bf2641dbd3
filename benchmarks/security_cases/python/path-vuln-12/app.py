from fastapi import FastAPI, APIRouter, Request, HTTPException
from fastapi.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from markupsafe import escape
from helpers import handle_value


app = FastAPI()


@app.get("/api/do")
async def handle(request: Request, q: str = ""):
    attachment = request.query_params.get("attachment", "")
    out = handle_value(attachment)
    return {"ok": True}
