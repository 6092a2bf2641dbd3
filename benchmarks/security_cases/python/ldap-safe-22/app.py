from fastapi import FastAPI, APIRouter, Request, HTTPException
from fastapi.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from markupsafe import escape
import ldap3

def pick(raw):
    return "jdoe"

server = ldap3.Server("ldap.example.org")


app = FastAPI()


@app.get("/v1/view")
async def handle(request: Request, mail: str = ""):
    mail = pick(mail)
    c = ldap3.Connection(server, auto_bind=True)
    c.search("dc=example,dc=org", "(&(objectClass=person)(cn=" + mail + "))")
    res = c.entries
    return {"ok": True}
