"""Is a project the team's own code? The default a dataset build needs (issue 14).

A team that builds a dataset from its own codebase expects its code to be used, yet a
private codebase rarely carries a LICENSE file, and the licence filter drops files of
unknown licence. So each project has an ``own_code`` setting, decided once at its
first ingestion (and changeable with ``devlab ingest --own-code/--not-own-code``):

* **on** for a local directory or archive and for a private git remote (SSH,
  ``file://``, a host that is not a public forge);
* **off** for code fetched from a public package registry (an sdist's ``PKG-INFO``, an
  npm tarball's ``package/package.json`` with registry metadata, a wheel's
  ``*.dist-info``) and for a public forge's HTTPS URL, where the licence speaks;
* **vendored folders** (``vendor/``, ``third_party/``, ``node_modules/``, ...) are
  never own code, even inside an own project: their files keep the licence filter.
"""

from __future__ import annotations

import json
import re
from pathlib import Path, PurePosixPath

__all__ = ["VENDORED_DIRS", "default_own_code", "is_vendored"]

PUBLIC_FORGES = frozenset(
    {
        "github.com",
        "gitlab.com",
        "bitbucket.org",
        "codeberg.org",
        "git.sr.ht",
        "sourceforge.net",
        "salsa.debian.org",
        "gitee.com",
    }
)
VENDORED_DIRS = frozenset(
    {
        "vendor",
        "vendored",
        "_vendor",
        "third_party",
        "third-party",
        "thirdparty",
        "external",
        "extern",
        "node_modules",
        "bower_components",
        "site-packages",
    }
)
_URL_HOST = re.compile(r"^[a-z][a-z0-9+.-]*://(?:[^@/]*@)?([^/:]+)", re.IGNORECASE)
_SCP_HOST = re.compile(r"^[\w.-]+@([\w.-]+):")  # git@host:org/repo.git


def is_vendored(path: str) -> bool:
    """Whether a project-relative path lies in a vendored folder."""
    return any(part.lower() in VENDORED_DIRS for part in PurePosixPath(path).parts[:-1])


def _registry_package(root: Path) -> str | None:
    """Why ``root`` looks like a package fetched from a registry, else None."""
    if (root / "PKG-INFO").is_file():
        return "an sdist from a package registry (PKG-INFO)"
    if any(root.glob("*.dist-info")):
        return "a wheel from a package registry (*.dist-info)"
    manifest = root / "package.json"
    if manifest.is_file() and manifest.stat().st_size < 1_000_000:
        try:
            data = json.loads(manifest.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if isinstance(data, dict) and any(k in data for k in ("_resolved", "_integrity", "_id")):
            return "an npm package from a registry (package.json registry fields)"
    return None


def default_own_code(source: str, kind: str, root: Path | None = None) -> tuple[bool, str]:
    """``(own_code, why)`` for a project first ingested from ``source``.

    ``kind`` is the materialised source kind (``directory``, ``zip``, ``git``, ...);
    ``root`` the materialised tree, read only for registry metadata files.
    """
    text = source.strip()
    host = None
    match = _URL_HOST.match(text) or _SCP_HOST.match(text)
    if match:
        host = match.group(1).lower()
    if kind == "git-remote" and host:
        if text.lower().startswith(("ssh://", "git@")) or _SCP_HOST.match(text):
            return True, f"a private git remote over SSH ({host})"
        if host in PUBLIC_FORGES or host.endswith(tuple("." + f for f in PUBLIC_FORGES)):
            return False, f"a public forge ({host}): the licence decides"
        return True, f"a private git remote ({host})"
    if root is not None:
        registry = _registry_package(root)
        if registry:
            return False, registry + ": the licence decides"
    if kind == "zip":
        return True, "an uploaded archive"
    return True, "a local git repository" if kind == "git-local" else "a local directory"
