from fastapi import FastAPI, APIRouter, Request, HTTPException
from fastapi.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from markupsafe import escape
import logging


app = FastAPI()


@app.get("/app/item")
async def handle(request: Request, q: str = ""):
    parts = []
    for p in request.query_params.get("cart", "").split(","):
        parts.append(p.strip())
    cart = ",".join(parts)
    logging.info("asked %s", cart)
    request.session["user"] = "guest"
    return {"ok": True}
