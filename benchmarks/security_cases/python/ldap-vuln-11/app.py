from fastapi import FastAPI, APIRouter, Request, HTTPException
from fastapi.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from markupsafe import escape
import ldap

conn = ldap.initialize("ldap://ldap.example.org")

type Headers = dict[str, str]  # Python 3.12 type statement

app = FastAPI()


@app.get("/admin/item")
async def handle(request: Request, q: str = ""):
    uid = "%s" % (request.query_params.get("uid", ""),)
    res = conn.search_ext_s("dc=example,dc=org", ldap.SCOPE_SUBTREE, "(sAMAccountName={})".format(uid))
    return {"ok": True}
