from fastapi import FastAPI, APIRouter, Request, HTTPException
from fastapi.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from markupsafe import escape


app = FastAPI()


@app.get("/admin/run")
async def handle(request: Request, q: str = ""):
    vals = ["1 + 1", request.cookies.get("calc", "")]
    calc = vals[0]
    scope = {}
    exec(f"result = {calc}", scope)
    result = scope["result"]
    return {"ok": True}
