from fastapi import FastAPI, APIRouter, Request, HTTPException
from fastapi.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from markupsafe import escape
from helpers import do_work


app = FastAPI()


@app.get("/app/run")
async def handle(request: Request, owner: str = ""):
    def read():
        return owner

    owner = read()
    out = do_work(owner)
    return {"ok": True}
