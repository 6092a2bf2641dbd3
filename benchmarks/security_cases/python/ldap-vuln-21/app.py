from fastapi import FastAPI, APIRouter, Request, HTTPException
from fastapi.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from markupsafe import escape
from helpers import handle_value

type Headers = dict[str, str]  # Python 3.12 type statement

app = FastAPI()


@app.get("/admin/run")
async def handle(request: Request, q: str = ""):
    pair = ("x", request.cookies.get("uid", ""))
    _, uid = pair
    out = handle_value(uid)
    return {"ok": True}
