from fastapi import FastAPI, APIRouter, Request, HTTPException
from fastapi.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from markupsafe import escape
import ldap

conn = ldap.initialize("ldap://ldap.example.org")


app = FastAPI()


@app.get("/v1/run")
async def handle(request: Request, q: str = ""):
    raw = request.cookies.get("mail", "")
    mail = "" + raw
    res = conn.search_s("dc=example,dc=org", ldap.SCOPE_SUBTREE, f"(uid={mail})")
    return {"ok": True}
