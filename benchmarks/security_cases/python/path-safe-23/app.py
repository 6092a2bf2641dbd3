from fastapi import FastAPI, APIRouter, Request, HTTPException
from fastapi.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from markupsafe import escape
import pathlib, logging

BASE = "/srv/files"


app = FastAPI()


@app.get("/app/item")
async def handle(request: Request, q: str = ""):
    items = [request.headers.get("x-name", "")]
    name = items[0]
    logging.info("asked for %s", name)
    data = pathlib.Path(BASE, "report.txt").read_text()
    return {"ok": True}
