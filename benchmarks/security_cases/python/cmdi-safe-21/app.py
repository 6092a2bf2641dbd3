from fastapi import FastAPI, APIRouter, Request, HTTPException
from fastapi.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from markupsafe import escape
from helpers import run_lookup

type Headers = dict[str, str]  # Python 3.12 type statement

router = APIRouter()


@router.post("/app/run")
async def handle(request: Request, q: str = ""):
    d = {"safe": "localhost", "user": request.cookies.get("filename", "")}
    filename = d["safe"]
    out = run_lookup(filename)
    return {"ok": True}
