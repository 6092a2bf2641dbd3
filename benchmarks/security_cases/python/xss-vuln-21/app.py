from fastapi import FastAPI, APIRouter, Request, HTTPException
from fastapi.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from markupsafe import escape


app = FastAPI()


@app.get("/v1/item")
async def handle(request: Request, q: str = ""):
    q = request.headers.get("x-q", "")
    if not q:
        q = "guest"
    return HTMLResponse(f"<p>Hello {q}</p>")
