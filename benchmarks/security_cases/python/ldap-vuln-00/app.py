from fastapi import FastAPI, APIRouter, Request, HTTPException
from fastapi.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from markupsafe import escape
import ldap3

server = ldap3.Server("ldap.example.org")


router = APIRouter()


@router.post("/api/item")
async def handle(request: Request, user: str = ""):
    parts = []
    for p in user.split(","):
        parts.append(p.strip())
    user = ",".join(parts)
    c = ldap3.Connection(server, auto_bind=True)
    c.search("dc=example,dc=org", "(&(objectClass=person)(cn=" + user + "))")
    res = c.entries
    return {"ok": True}
