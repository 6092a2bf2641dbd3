from fastapi import FastAPI, APIRouter, Request, HTTPException
from fastapi.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from markupsafe import escape
import ldap

conn = ldap.initialize("ldap://ldap.example.org")
BASE_DN = "ou=people,dc=example,dc=org"


router = APIRouter()


@router.post("/v1/run")
async def handle(request: Request, uid: str = ""):
    uid = f"{uid}"
    flt = "(mail=%s)" % uid
    res = conn.search_s(BASE_DN, ldap.SCOPE_SUBTREE, flt)
    return {"ok": True}
