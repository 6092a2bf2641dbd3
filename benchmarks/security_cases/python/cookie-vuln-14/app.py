from fastapi import FastAPI, APIRouter, Request, HTTPException
from fastapi.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from markupsafe import escape

def first[T](x: T) -> T:
    return x


app = FastAPI()


@app.get("/api/view")
async def handle(request: Request, lang: str = ""):
    lang = first(lang)
    response = Response("ok")
    response.set_cookie(key="session_id", value=lang, secure=False)
    return response
