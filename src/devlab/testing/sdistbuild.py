"""Building a Python dependency that has no wheel, inside the sandbox, never on the host.

``pip download`` of a source distribution runs its build backend to read its metadata,
so the host does not use it: the sdist is found as a plain file (in a ``PIP_FIND_LINKS``
folder, else on the package index through its simple API, PEP 691 JSON or PEP 503
HTML), its hash checked, and handed to a sandboxed ``pip wheel --no-deps
--no-build-isolation --no-index`` (Debian's pip, setuptools and wheel, as the sandbox's
Python sees them) with the limits of any run. The wheel comes back base64-encoded after
a marker line; the environment cache then installs it like any prebuilt wheel.

What does not build (another build backend than setuptools, a C extension without a
compiler in the sandbox, build dependencies of its own) is reported with the build's
last lines.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlparse

import httpx
from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import InvalidSdistFilename, canonicalize_name, parse_sdist_filename

from devlab.config import Settings
from devlab.sandbox import Limits, SandboxRequest, run_code

__all__ = ["BuildFailed", "build_wheel", "fetch_sdist"]

MAX_SDIST_BYTES = 30 * 1024 * 1024
MARK = "@@DEVLAB_WHEEL@@"
_JSON = "application/vnd.pypi.simple.v1+json"
_DRIVER = f'''import base64, glob, json, subprocess, sys
open("src.tar.gz" if sys.argv[1].endswith(".tar.gz") else "src.zip", "wb").write(
    base64.b64decode(open("sdist.b64").read()))
src = "src.tar.gz" if sys.argv[1].endswith(".tar.gz") else "src.zip"
done = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps",
    "--no-build-isolation", "--no-index", "--no-cache-dir", "--disable-pip-version-check",
    "-w", "out", src],
    capture_output=True, text=True)
wheels = glob.glob("out/*.whl")
report = {{"code": done.returncode, "log": (done.stdout + done.stderr)[-3000:]}}
if wheels:
    report["name"] = wheels[0].split("/")[-1]
    report["wheel"] = base64.b64encode(open(wheels[0], "rb").read()).decode()
print("{MARK}" + json.dumps(report))
'''


class BuildFailed(Exception):
    """Why a dependency could not be fetched or built (said in its report)."""


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        href = dict(attrs).get("href") if tag == "a" else None
        if href:
            self.links.append(href)


def _index_url() -> str:
    """The index pip would use: ``PIP_INDEX_URL``, pip's configuration, pip's default."""
    if os.environ.get("PIP_INDEX_URL"):
        return os.environ["PIP_INDEX_URL"]
    try:
        out = subprocess.run(
            [sys.executable, "-m", "pip", "config", "get", "global.index-url"],
            capture_output=True, text=True, timeout=30,
        )  # fmt: skip
        if out.returncode == 0 and out.stdout.strip():
            return out.stdout.strip()
    except (OSError, subprocess.SubprocessError):
        pass
    from pip._internal.models.index import PyPI  # pip's own default, not named here

    return str(PyPI.simple_url)


def _pick(req: Requirement, names: list[tuple[str, str]]) -> tuple[str, str] | None:
    """The newest (filename, url) among sdists of ``req`` its specifier allows."""
    best = None
    allow = bool(req.specifier.prereleases)  # a pre-release only when the spec names one
    for filename, url in names:
        try:
            name, version = parse_sdist_filename(filename)
        except InvalidSdistFilename:
            continue
        wanted = name == canonicalize_name(req.name)
        if not wanted or not req.specifier.contains(version, prereleases=allow):
            continue
        if best is None or version > best[0]:
            best = (version, filename, url)
    return (best[1], best[2]) if best else None


def _from_find_links(req: Requirement) -> Path | None:
    for folder in os.environ.get("PIP_FIND_LINKS", "").split():
        if "://" in folder or not Path(folder).is_dir():
            continue
        files = [(p.name, str(p)) for p in Path(folder).iterdir() if p.is_file()]
        found = _pick(req, files)
        if found:
            return Path(found[1])
    return None


def _from_index(req: Requirement, dest: Path) -> Path:
    base = _index_url().rstrip("/") + "/"
    page = urljoin(base, f"{canonicalize_name(req.name)}/")
    with httpx.Client(timeout=30, follow_redirects=True) as client:
        resp = client.get(page, headers={"Accept": f"{_JSON}, text/html;q=0.1"})
        if resp.status_code != 200:
            raise BuildFailed(f"the package index answered {resp.status_code} for {req.name}")
        files: list[tuple[str, str]] = []
        if resp.headers.get("content-type", "").startswith(_JSON):
            for item in resp.json().get("files", [])[:5000]:
                files.append((item["filename"], urljoin(page, item["url"])))
        else:
            links = _Links()
            links.feed(resp.text[:20_000_000])
            for href in links.links[:5000]:
                files.append((Path(urlparse(href).path).name, urljoin(page, href)))
        found = _pick(req, files)
        if found is None:
            raise BuildFailed(f"no source distribution of {req} on the package index either")
        filename, url = found
        target = dest / filename
        digest = hashlib.sha256()
        with client.stream("GET", url) as got, open(target, "wb") as out:
            got.raise_for_status()
            size = 0
            for chunk in got.iter_bytes():
                size += len(chunk)
                if size > MAX_SDIST_BYTES:
                    raise BuildFailed(f"{filename} is over {MAX_SDIST_BYTES >> 20} MB")
                digest.update(chunk)
                out.write(chunk)
    expected = urlparse(url).fragment.partition("sha256=")[2]
    if expected and expected != digest.hexdigest():
        raise BuildFailed(f"{filename}: its sha256 does not match the index's")
    return target


_PIP_NOISE = (
    "note:", "hint:", "\u2570", "\u2502", "\u00d7", "error: subprocess", "error: metadata",
    "[end of output]", "ERROR: Failed", "ERROR: Could not build", "Processing ",
    "Preparing metadata", "Building wheel",
)  # fmt: skip


def _why(log: str) -> str:
    """The build log's last lines that say something (pip's own framing left out)."""
    lines = [ln.strip() for ln in log.splitlines()]
    said = [ln for ln in lines if ln and not ln.startswith(_PIP_NOISE)]
    return " | ".join(said[-2:])[-400:] or "no output"


def fetch_sdist(spec: str, dest: Path) -> Path:
    """The source distribution of ``spec`` as a file (no code of it runs)."""
    try:
        req = Requirement(spec)
    except InvalidRequirement as exc:
        raise BuildFailed(f"cannot read {spec!r}: {exc}") from exc
    dest.mkdir(parents=True, exist_ok=True)
    local = _from_find_links(req)
    if local is not None:
        return local
    try:
        return _from_index(req, dest)
    except httpx.HTTPError as exc:
        raise BuildFailed(f"the package index could not be read: {exc}") from exc


def build_wheel(sdist: Path, settings: Settings, dest: Path) -> Path:
    """Build ``sdist`` into a wheel in the sandbox; the wheel's path in ``dest``."""
    data = sdist.read_bytes()
    if len(data) > MAX_SDIST_BYTES:
        raise BuildFailed(f"{sdist.name} is over {MAX_SDIST_BYTES >> 20} MB")
    wall = min(300.0, settings.sandbox_max_wall_seconds)
    limits = Limits(
        wall_seconds=wall,
        cpu_seconds=wall,
        memory_mb=min(1024, settings.sandbox_max_memory_mb),
        max_output_bytes=settings.sandbox_max_output_bytes,
        max_disk_mb=min(512, settings.sandbox_max_disk_mb),
    )
    files = {"build.py": _DRIVER, "sdist.b64": base64.b64encode(data).decode()}
    request = SandboxRequest(language="python", files=files, entry="build.py",
                             args=[sdist.name], limits=limits)  # fmt: skip
    result = run_code(request, settings)
    at = result.stdout.rfind(MARK)
    if at < 0:
        raise BuildFailed(
            f"the build ended {result.status}: {(result.stderr or result.stdout)[-400:]}"
        )
    report = json.loads(result.stdout[at + len(MARK) :].split("\n", 1)[0])
    if not report.get("wheel"):
        raise BuildFailed("building it in the sandbox failed: " + _why(report.get("log", "")))
    name = Path(str(report["name"])).name
    if not name.endswith(".whl"):
        raise BuildFailed(f"the build returned {name!r}, not a wheel")
    dest.mkdir(parents=True, exist_ok=True)
    target = dest / name
    target.write_bytes(base64.b64decode(report["wheel"]))
    return target
