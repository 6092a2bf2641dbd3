from fastapi import FastAPI, APIRouter, Request, HTTPException
from fastapi.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from markupsafe import escape
import xml.etree.ElementTree as ET


app = FastAPI()


@app.get("/v1/run")
async def handle(request: Request, q: str = ""):
    doc = "{}".format(request.query_params.get("doc", ""))
    tree = ET.fromstring(doc)
    return {"ok": True}
