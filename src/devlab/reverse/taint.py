"""The taint value shared by DevLab's security engines (Python, JavaScript/TypeScript,
Java, Go, Bash), and URL-check helpers they share.

A ``Taint`` is one origin of a value: a real source (request data, argv, ...), a
parameter of the function being summarised (origin ``"param"``) or an untraced value
(``"unknown"``); it keeps the ``TaintStep``s it took and the sink kinds it was sanitised
for. The engines themselves are ``devlab.reverse.security_ts_core`` (the flow core) and
its language modules; Python's is ``devlab.reverse.security.python_ts``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from devlab.reverse.models import TaintStep

#: sources whose value is a request *path* (always starts with one "/")
PATH_ORIGINS = frozenset(
    {
        "request.path",
        "request.uri",
        "request.full_path",
        "request.path_info",
        "request.raw_path",
        "request.get_full_path()",
    }
)


@dataclass(frozen=True)
class Taint:
    origin: str  # source label, or "param"
    param: int = -1
    steps: tuple[TaintStep, ...] = ()
    sanitisers: frozenset[str] = frozenset()

    def then(self, line: int, code: str, note: str) -> Taint:
        if self.steps and self.steps[-1].line == line and self.steps[-1].note == note:
            return self
        return Taint(
            self.origin,
            self.param,
            (*self.steps, TaintStep(line=line, code=code, note=note)),
            self.sanitisers,
        )

    def clean_for(self, kind: str) -> bool:
        if "all" in self.sanitisers or kind in self.sanitisers:
            return True
        # "cannot start with '//'": enough against an open redirect only for a value that
        # is a request path (it always starts with one '/', and browsers send '\\' as '/')
        return kind == "redirect" and "noproto" in self.sanitisers and self.origin in PATH_ORIGINS


ORIGIN_FIXED = re.compile(r"^(/[^/\\]|[a-zA-Z][a-zA-Z0-9+.-]*://[^/?#\\\x00]+[/?#])")
_REGEX_NOISE = re.compile(r"\[[^\]]*\]|\\[wdsWDSbBAZ]|\(\?[:=!<]")


def scheme_only_pattern(pattern: str) -> bool:
    """A URL regular expression that pins the scheme but no host (``^https?://``):
    whatever follows ``//`` is free, so it is no open-redirect or SSRF check."""
    p = pattern.replace("\\/", "/").replace("\\:", ":")
    i = p.find("//")
    if i < 0:
        return bool(re.match(r"^\^?\(?[a-z]+s?\??\)?\??:", p, re.I)) and len(p) < 16
    rest = _REGEX_NOISE.sub("", p[i + 2 :]).split("/")[0]
    return not re.search(r"[A-Za-z0-9-]{2,}", rest)


def scheme_only_prefix(prefix: str) -> bool:
    """A ``startswith`` prefix that pins at most the scheme ("http", "https://")."""
    return bool(re.fullmatch(r"[A-Za-z][A-Za-z0-9+.-]*(:/{0,2})?", prefix)) and not (
        ORIGIN_FIXED.match(prefix)
    )
