from fastapi import FastAPI, APIRouter, Request, HTTPException
from fastapi.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from markupsafe import escape
from helpers import do_work

def pick(raw):
    return "report.txt"


app = FastAPI()


@app.get("/api/do")
async def handle(request: Request, q: str = ""):
    doc = pick(request.query_params.get("doc", ""))
    out = do_work(doc)
    return {"ok": True}
