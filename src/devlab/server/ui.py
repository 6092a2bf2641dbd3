"""The web workbench: the built front end (``web/``, built by Vite into
``static/dist``) served at ``/devlab/<page>``, one deep-linkable page per module.

Every page is the same ``index.html`` (one shared layout; the page is picked from the
path in the browser). ``/`` redirects to the sandbox. When the front end was never
built the pages answer 503 with the command that builds it, instead of a blank page.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response

from devlab.errors import NotFound

router = APIRouter(include_in_schema=False)

# The pages of the workbench (``api`` and ``testing`` are mounted last: a router of
# their own capability that serves the same path wins).
PAGES = (
    "sandbox",
    "companion",
    "insights",
    "reverse",
    "search",
    "datasets",
    "models",
    "jobs",
    "testing",
    "api",
)
_NOT_BUILT = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>DevLab: front end not built</title></head><body style="font-family:sans-serif">
<h1>The DevLab web workbench is not built</h1>
<p>The REST API works (see <a href="/docs">/docs</a>), but the pages need the front end,
which is built at set-up time. Run <code>bash scripts/setup.sh install</code>, or
<code>cd web &amp;&amp; npm ci &amp;&amp; npm run build</code>, then reload.</p>
<p>Looked for: <code>{path}</code></p></body></html>"""


def dist_dir() -> Path:
    """Where Vite writes the built front end."""
    return Path(str(files("devlab.server").joinpath("static/dist")))


def _index() -> Response:
    index = dist_dir() / "index.html"
    if not index.is_file():
        return HTMLResponse(_NOT_BUILT.format(path=index), status_code=503)
    return FileResponse(index, media_type="text/html", headers={"Cache-Control": "no-cache"})


@router.get("/")
def root() -> RedirectResponse:
    return RedirectResponse("/devlab/sandbox", status_code=307)


@router.get("/devlab")
@router.get("/devlab/")
def workbench_root() -> RedirectResponse:
    return RedirectResponse("/devlab/sandbox", status_code=307)


@router.get("/favicon.ico")
def favicon() -> Response:
    icon = dist_dir() / "favicon.svg"
    if not icon.is_file():
        raise NotFound("no favicon: the web workbench is not built")
    return FileResponse(icon, media_type="image/svg+xml")


@router.get("/devlab/assets/{name}")
def asset(name: str) -> Response:
    """A built asset (hashed names: cached for a year)."""
    path = dist_dir() / "assets" / name
    if "/" in name or name.startswith(".") or not path.is_file():
        raise NotFound(f"no asset {name!r}")
    return FileResponse(path, headers={"Cache-Control": "public, max-age=31536000, immutable"})


@router.get("/devlab/favicon.svg")
def favicon_svg() -> Response:
    return favicon()


@router.get("/devlab/{page}")
def page(page: str) -> Response:
    if page not in PAGES:
        raise NotFound(f"no workbench page {page!r}; pages: {', '.join(PAGES)}")
    return _index()
