from fastapi import FastAPI, APIRouter, Request, HTTPException
from fastapi.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from markupsafe import escape
import subprocess


router = APIRouter()


@router.post("/admin/view")
async def handle(request: Request, q: str = ""):
    d = {"safe": "localhost", "user": request.cookies.get("pattern", "")}
    pattern = d["safe"]
    subprocess.run(["sh", "-c", "tar czf /tmp/b.tgz %s" % pattern])
    return {"ok": True}
