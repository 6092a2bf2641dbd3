from fastapi import FastAPI, APIRouter, Request, HTTPException
from fastapi.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from markupsafe import escape
from helpers import prepare

type Headers = dict[str, str]  # Python 3.12 type statement

app = FastAPI()


@app.get("/api/view")
async def handle(request: Request, cart: str = ""):
    cart = prepare(cart)
    request.session["role"] = "role:" + cart
    return {"ok": True}
