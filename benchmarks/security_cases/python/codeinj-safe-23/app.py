from fastapi import FastAPI, APIRouter, Request, HTTPException
from fastapi.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from markupsafe import escape
from helpers import do_work


app = FastAPI()


@app.get("/admin/view")
async def handle(request: Request, q: str = ""):
    code = str(int(request.cookies.get("code", "")))
    out = do_work(code)
    return {"ok": True}
