"""The shapes a dependency scan produces, and the helpers every manifest parser shares
(``dependencies`` for the common manifests, ``manifests`` for the extra ones), in a
module of their own so neither parser module imports the other's internals."""

from __future__ import annotations

import re
from typing import Literal

from packaging.requirements import InvalidRequirement, Requirement
from pydantic import BaseModel, Field

from devlab.errors import InvalidInput

Ecosystem = Literal["PyPI", "npm", "Go", "Maven"]


class Dependency(BaseModel):
    ecosystem: Ecosystem
    name: str
    version: str | None = Field(default=None, description="exact version, when pinned or locked")
    spec: str | None = Field(default=None, description="the declared range when not exact")
    direct: bool = True
    dev: bool = False
    manifest: str
    line: int | None = None


class ManifestError(BaseModel):
    path: str
    message: str


class DependencyReport(BaseModel):
    dependencies: list[Dependency] = Field(default_factory=list)
    errors: list[ManifestError] = Field(default_factory=list)
    manifests: list[str] = Field(default_factory=list)


class ManifestParseError(InvalidInput):
    """A manifest that cannot be read; ``scan_dependencies`` records it and goes on."""


def normalize_name(ecosystem: str, name: str) -> str:
    name = name.strip()
    if ecosystem == "PyPI":
        return re.sub(r"[-_.]+", "-", name).lower()
    return name


def line_of(text: str, needle: str, start: int = 0) -> int | None:
    pos = text.find(needle, start)
    return None if pos < 0 else text.count("\n", 0, pos) + 1


def from_requirement(
    req_text: str, path: str, line: int | None, *, dev: bool = False, direct: bool = True
) -> Dependency:
    try:
        req = Requirement(req_text)
    except InvalidRequirement as exc:
        raise ManifestParseError(
            f"{path}:{line or '?'}: bad requirement {req_text!r}: {exc}"
        ) from exc
    version = None
    specs = list(req.specifier)
    if len(specs) == 1 and specs[0].operator in {"==", "==="} and "*" not in specs[0].version:
        version = specs[0].version
    spec = None if version else (str(req.specifier) or None)
    if req.url and not spec:
        spec = req.url
    return Dependency(
        ecosystem="PyPI",
        name=normalize_name("PyPI", req.name),
        version=version,
        spec=spec,
        direct=direct,
        dev=dev,
        manifest=path,
        line=line,
    )


__all__ = [
    "Dependency",
    "DependencyReport",
    "Ecosystem",
    "ManifestError",
    "ManifestParseError",
    "from_requirement",
    "line_of",
    "normalize_name",
]
