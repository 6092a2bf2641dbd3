"""The security rule tables as data: ``security/tables/<language>.json``, one per language.

Every language's taint model (sources, sinks, sanitisers, propagators, framework entry
points and configuration APIs) is a JSON file of one schema, the shape Semgrep and
CodeQL use for their models: an API name mapped to the categories it concerns, the
argument positions that matter, or a list of names. The engines (``security_ts_*`` and
``security.python_ts``) read their tables here, once per process; changing what counts as
a source, a sink or a sanitiser is a change to a JSON file, not to the engine.

Schema (checked when a table is loaded; a bad table raises ``RuleTableError`` naming the
file and the field):

* the top level is an object with the sections ``sources``, ``sinks`` and ``sanitisers``
  (required) and optionally ``sanitiser_methods``, ``propagators``, ``guards``,
  ``modules`` and ``config``, plus ``_doc`` (text); every section is an object;
* every leaf is a non-empty string, an integer or a list of them (argument positions
  are integers, keyword arguments strings); objects nest;
* a leaf is read with a typed accessor that checks it: ``names`` (a list of strings),
  ``kinds`` (an object: API -> list of categories, ``"*"`` meaning every category),
  ``positions`` (API -> argument index), ``mapping`` (name -> text), ``names_map``
  (name -> list of strings), ``options`` (name -> list of strings, read as a tuple),
  ``pattern`` (a regular expression, compiled on load), ``text``;
* every ``kinds`` list names known categories (``ALL_KINDS``), so a typo such as
  ``"sqli"`` is an error rather than a sanitiser that silently sanitises nothing.
"""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources
from typing import Any

from devlab.errors import DevLabError

__all__ = [
    "KNOWN_KINDS",
    "TABLE_LANGUAGES",
    "RuleTable",
    "RuleTableError",
    "load_table",
    "parse_table",
    "validate_tables",
]

TABLE_LANGUAGES: tuple[str, ...] = ("python", "javascript", "java", "go", "bash")
SECTIONS_REQUIRED = ("sources", "sinks", "sanitisers")
SECTIONS_OPTIONAL = ("sanitiser_methods", "propagators", "guards", "modules", "config")
#: every category a table may name (``security_ts_core.ALL_KINDS`` is this set)
KNOWN_KINDS = frozenset(
    [
        "cmd",
        "code",
        "sql",
        "path",
        "deser",
        "ssrf",
        "redirect",
        "xss",
        "xxe",
        "ldap",
        "xpath",
        "trust",
        "ssti",
    ]
)
ALL = "*"


def _scalar(value: Any) -> bool:
    return (isinstance(value, str) and bool(value)) or (
        isinstance(value, int) and not isinstance(value, bool)
    )


class RuleTableError(DevLabError):
    """A security rule table is missing, is not JSON, or has a field of the wrong shape."""


class RuleTable:
    """One language's tables, with typed accessors that check the shape of what they read.

    Paths are dotted (``"sinks.sql.methods"``); a missing field or a value of the wrong
    shape raises ``RuleTableError`` that names the file and the field.
    """

    def __init__(self, name: str, raw: Any) -> None:
        self.name = name
        self.file = f"tables/{name}.json"
        if not isinstance(raw, dict):
            self._fail("(top level)", "must be a JSON object")
        for section in SECTIONS_REQUIRED:
            if section not in raw:
                self._fail(section, "is missing (required sections: sources, sinks, sanitisers)")
        allowed = {*SECTIONS_REQUIRED, *SECTIONS_OPTIONAL, "_doc"}
        for key, value in raw.items():
            if key not in allowed:
                self._fail(key, f"is not a known section (expected one of {sorted(allowed)})")
            if key != "_doc" and not isinstance(value, dict):
                self._fail(key, "must be a JSON object")
            self._check_leaves(key, value)
        self.raw: dict[str, Any] = raw

    def _check_leaves(self, path: str, node: Any) -> None:
        """Every leaf is a string, an integer or a list of them (objects nest)."""
        if isinstance(node, dict):
            for key, value in node.items():
                self._check_leaves(f"{path}.{key}", value)
        elif isinstance(node, list):
            if not all(_scalar(v) for v in node):
                self._fail(path, "must list strings or argument positions (integers)")
        elif not _scalar(node):
            self._fail(path, "must be a string, an integer, a list or an object")

    def _fail(self, field: str, why: str) -> Any:
        raise RuleTableError(f"security rule table {self.file}: field '{field}' {why}")

    def get(self, path: str) -> Any:
        """The raw value at a dotted path (an error naming the field when it is absent)."""
        node: Any = self.raw
        for part in path.split("."):
            if not isinstance(node, dict) or part not in node:
                self._fail(path, "is missing")
            node = node[part]
        return node

    def _strings(self, path: str, value: Any) -> list[str]:
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            self._fail(path, "must be a list of non-empty strings")
        return list(value)

    def _object(self, path: str) -> dict[str, Any]:
        value = self.get(path)
        if not isinstance(value, dict):
            self._fail(path, "must be a JSON object")
        return dict(value)

    def names(self, path: str) -> frozenset[str]:
        """A list of names, as a frozenset."""
        return frozenset(self._strings(path, self.get(path)))

    def kinds(self, path: str) -> dict[str, frozenset[str]]:
        """API -> the categories it concerns (``"*"``: every category)."""
        out: dict[str, frozenset[str]] = {}
        for api, value in self._object(path).items():
            kinds = self._strings(f"{path}.{api}", value)
            if ALL in kinds:
                out[api] = KNOWN_KINDS
                continue
            unknown = sorted(set(kinds) - KNOWN_KINDS)
            if unknown:
                self._fail(f"{path}.{api}", f"names unknown categories {unknown}")
            out[api] = frozenset(kinds)
        return out

    def positions(self, path: str) -> dict[str, int]:
        """API -> the index of the argument that matters (-1: the last one)."""
        out = self._object(path)
        for api, value in out.items():
            if isinstance(value, bool) or not isinstance(value, int):
                self._fail(f"{path}.{api}", "must be an argument index (an integer)")
        return out

    def mapping(self, path: str) -> dict[str, str]:
        """Name -> text (module aliases, return types, option flags)."""
        out = self._object(path)
        for key, value in out.items():
            if not isinstance(value, str):
                self._fail(f"{path}.{key}", "must be a string")
        return out

    def names_map(self, path: str) -> dict[str, frozenset[str]]:
        """Name -> a set of names (e.g. a DOM object -> its input properties)."""
        return {
            k: frozenset(self._strings(f"{path}.{k}", v)) for k, v in self._object(path).items()
        }

    def options(self, path: str) -> dict[str, tuple[str, ...]]:
        """Name -> a tuple of names (e.g. a SQL client -> its statement options)."""
        return {k: tuple(self._strings(f"{path}.{k}", v)) for k, v in self._object(path).items()}

    def text(self, path: str) -> str:
        value = self.get(path)
        if not isinstance(value, str):
            self._fail(path, "must be a string")
        return str(value)

    def pattern(self, path: str) -> re.Pattern[str]:
        """A regular expression (flags inline, e.g. ``(?i)``), compiled."""
        text = self.text(path)
        try:
            return re.compile(text)
        except re.error as exc:
            return self._fail(path, f"is not a valid regular expression: {exc}")  # type: ignore[no-any-return]


def parse_table(name: str, text: str) -> RuleTable:
    """A table from its JSON text (``name``: the language, for error messages)."""
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise RuleTableError(
            f"security rule table tables/{name}.json is not valid JSON: line {exc.lineno}, "
            f"column {exc.colno}: {exc.msg}"
        ) from exc
    return RuleTable(name, raw)


@cache
def load_table(name: str) -> RuleTable:
    """The tables of one language (``TABLE_LANGUAGES``), read and checked once per process."""
    if name not in TABLE_LANGUAGES:
        raise RuleTableError(
            f"no security rule table for {name!r} (tables: {', '.join(TABLE_LANGUAGES)})"
        )
    try:
        ref = resources.files("devlab.reverse").joinpath(f"security/tables/{name}.json")
        text = ref.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        msg = f"security rule table tables/{name}.json cannot be read: {exc}"
        raise RuleTableError(msg) from exc
    return parse_table(name, text)


def validate_tables() -> dict[str, int]:
    """Load every language's table; -> language -> number of entries (for tests and CLI)."""

    def count(node: Any) -> int:
        if isinstance(node, dict):
            return sum(count(v) for k, v in node.items() if k != "_doc")
        return len(node) if isinstance(node, list) else 1

    return {name: count(load_table(name).raw) for name in TABLE_LANGUAGES}
