from starlette.applications import Starlette
from starlette.routing import Route
from starlette.responses import HTMLResponse, RedirectResponse, Response, JSONResponse
from starlette.exceptions import HTTPException
import html
import ldap

conn = ldap.initialize("ldap://ldap.example.org")


async def handle(request):
    parts = []
    for p in request.headers.get("x-mail", "").split(","):
        parts.append(p.strip())
    mail = ",".join(parts)
    res = conn.search_ext_s("dc=example,dc=org", ldap.SCOPE_SUBTREE, "(sAMAccountName={})".format(mail))
    return JSONResponse({"ok": True})


app = Starlette(routes=[Route("/api/item", handle)])
