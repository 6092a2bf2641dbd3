from fastapi import FastAPI, APIRouter, Request, HTTPException
from fastapi.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from markupsafe import escape
import marshal


app = FastAPI()


@app.get("/api/run")
async def handle(request: Request, data: str = ""):
    data = data.strip()
    obj = marshal.loads(bytes.fromhex(data))
    return {"ok": True}
