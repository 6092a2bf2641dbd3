from fastapi import FastAPI, APIRouter, Request, HTTPException
from fastapi.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from markupsafe import escape

type Headers = dict[str, str]  # Python 3.12 type statement

app = FastAPI()


@app.get("/app/run")
async def handle(request: Request, role: str = ""):
    role = role
    request.session["user"] = role
    return {"ok": True}
