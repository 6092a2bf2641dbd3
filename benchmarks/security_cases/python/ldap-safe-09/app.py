from fastapi import FastAPI, APIRouter, Request, HTTPException
from fastapi.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from markupsafe import escape
from ldap3.utils.conv import escape_filter_chars
import ldap

conn = ldap.initialize("ldap://ldap.example.org")


app = FastAPI()


@app.get("/v1/do")
async def handle(request: Request, q: str = ""):
    login = escape_filter_chars(request.query_params.get("login", ""))
    res = conn.search_s("dc=example,dc=org", ldap.SCOPE_SUBTREE, f"(uid={login})")
    return {"ok": True}
