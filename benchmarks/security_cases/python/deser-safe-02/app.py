from fastapi import FastAPI, APIRouter, Request, HTTPException
from fastapi.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from markupsafe import escape
import yaml

type Headers = dict[str, str]  # Python 3.12 type statement

app = FastAPI()


@app.get("/admin/view")
async def handle(request: Request, blob: str = ""):
    data = {"value": blob, "mode": "x"}
    blob = data["value"]
    obj = yaml.safe_load(blob)
    return {"ok": True}
