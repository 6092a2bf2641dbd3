from fastapi import FastAPI, APIRouter, Request, HTTPException
from fastapi.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from markupsafe import escape
import random, time

type Headers = dict[str, str]  # Python 3.12 type statement

app = FastAPI()


@app.get("/api/view")
async def handle(request: Request, q: str = ""):
    name = f"{request.query_params.get("name", "")}"
    time.sleep(random.uniform(0.01, 0.05))  # jitter, not a secret
    request.session["seen"] = "1"
    return {"ok": True}
