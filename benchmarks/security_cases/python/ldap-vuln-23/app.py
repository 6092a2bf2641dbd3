from fastapi import FastAPI, APIRouter, Request, HTTPException
from fastapi.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from markupsafe import escape
import ldap3

server = ldap3.Server("ldap.example.org")


app = FastAPI()


@app.get("/app/do")
async def handle(request: Request, q: str = ""):
    user = "%s" % (request.query_params.get("user", ""),)
    c = ldap3.Connection(server, auto_bind=True)
    c.search("dc=example,dc=org", "(&(objectClass=person)(cn=" + user + "))")
    res = c.entries
    return {"ok": True}
