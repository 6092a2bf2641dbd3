from fastapi import FastAPI, APIRouter, Request, HTTPException
from fastapi.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from markupsafe import escape
import os

UPLOADS = "/srv/uploads"


app = FastAPI()


@app.get("/api/item")
async def handle(request: Request, file: str = ""):
    file = file.strip().lower()
    os.remove(os.path.join(UPLOADS, file))
    data = 'removed'
    return {"ok": True}
