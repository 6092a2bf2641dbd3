"""An offline vulnerability database in OSV format, and dependency verdicts.

The user imports OSV JSON (one entry, an array, a directory of ``.json`` files,
or a ``.zip`` of them, which is OSV's bulk export) with ``import_vulndb``. The
database is one SQLite file, ``settings.home / "vulndb" / "osv.db"``. An import
is validated whole first and written to a temporary file that atomically
replaces the old one, so a bad file never loses the database already there.
Imports merge by advisory id unless ``replace=True``.

``check_dependencies`` answers, per dependency, "vulnerable", "not affected" or
"unknown" -- never "safe" without a database: no database, an ecosystem the
database has no entries for, or a dependency known only by a range all give
"unknown".
"""

from __future__ import annotations

import functools
import json
import math
import os
import re
import sqlite3
import tempfile
import zipfile
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from packaging.version import InvalidVersion, Version
from pydantic import BaseModel, Field

from devlab.config import Settings
from devlab.errors import InvalidInput, StorageError, UnsafeArchive
from devlab.reverse.dependency_types import Dependency, normalize_name
from devlab.reverse.models import Finding, Severity

DB_NAME = "osv.db"
Status = Literal["vulnerable", "not affected", "unknown"]


class ImportReport(BaseModel):
    path: str
    imported: int = Field(description="entries in this file")
    total: int = Field(description="entries in the database after the import")
    ecosystems: dict[str, int] = Field(default_factory=dict, description="packages per ecosystem")
    replaced: bool = False


class Advisory(BaseModel):
    id: str
    summary: str = ""
    aliases: list[str] = Field(default_factory=list)
    severity: Severity | None = None
    fixed: str | None = Field(default=None, description="first fixed version above ours")
    cwes: list[str] = Field(default_factory=list)


class DependencyVerdict(BaseModel):
    dependency: Dependency
    status: Status
    reason: str = ""
    advisories: list[Advisory] = Field(default_factory=list)

    @property
    def fixed_version(self) -> str | None:
        fixes = [a.fixed for a in self.advisories if a.fixed]
        if not fixes:
            return None
        ecosystem = self.dependency.ecosystem

        def cmp(a: str, b: str) -> int:
            return compare_versions(ecosystem, a, b) or 0

        return max(fixes, key=functools.cmp_to_key(cmp))


def db_path(settings: Settings) -> Path:
    return settings.home / "vulndb" / DB_NAME


# ------------------------------------------------------------------ import


def _entries_from_json(data: Any, where: str) -> list[dict[str, Any]]:
    if isinstance(data, dict):
        return [data]
    if isinstance(data, list):
        return data
    raise InvalidInput(f"{where}: not OSV: expected a JSON object or an array of objects")


def _load_json(raw: bytes, where: str) -> list[dict[str, Any]]:
    try:
        data = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"{where}: not OSV: not valid JSON ({exc})") from exc
    return _entries_from_json(data, where)


def _read_zip(path: Path, settings: Settings) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    try:
        zf = zipfile.ZipFile(path)
    except zipfile.BadZipFile as exc:
        raise InvalidInput(f"{path}: not a valid ZIP file ({exc})") from exc
    with zf:
        members = [m for m in zf.infolist() if not m.is_dir() and m.filename.endswith(".json")]
        if len(members) > settings.zip_max_files:
            raise UnsafeArchive(f"{path}: {len(members)} members > {settings.zip_max_files}")
        total = sum(m.file_size for m in members)
        if total > settings.zip_max_total_bytes:
            raise UnsafeArchive(f"{path}: {total} bytes uncompressed > cap")
        for m in members:
            if m.compress_size and m.file_size / m.compress_size > settings.zip_max_ratio:
                raise UnsafeArchive(f"{path}: {m.filename} compression ratio too high")
            yield f"{path.name}:{m.filename}", _load_json(zf.read(m), f"{path.name}:{m.filename}")


def _read_source(path: Path, settings: Settings) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    if path.is_dir():
        files = sorted(p for p in path.rglob("*.json") if p.is_file() and not p.is_symlink())
        if not files:
            raise InvalidInput(f"{path}: no .json files in this directory")
        for p in files:
            yield str(p.relative_to(path)), _load_json(p.read_bytes(), str(p))
    elif zipfile.is_zipfile(path):
        yield from _read_zip(path, settings)
    elif path.is_file():
        yield path.name, _load_json(path.read_bytes(), str(path))
    else:
        raise InvalidInput(f"{path}: no such file or directory")


def validate_entry(entry: Any, where: str) -> None:
    """An OSV entry needs an id and affected[].package.{ecosystem,name}."""
    if not isinstance(entry, dict):
        raise InvalidInput(f"{where}: not OSV: an entry is not a JSON object")
    ident = entry.get("id")
    if not isinstance(ident, str) or not ident:
        raise InvalidInput(f"{where}: not OSV: an entry has no 'id'")
    affected = entry.get("affected")
    if not isinstance(affected, list) or not affected:
        raise InvalidInput(f"{where}: not OSV: {ident} has no 'affected' list")
    for i, aff in enumerate(affected):
        pkg = aff.get("package") if isinstance(aff, dict) else None
        if not isinstance(pkg, dict):
            raise InvalidInput(f"{where}: not OSV: {ident} affected[{i}] has no 'package'")
        for key in ("ecosystem", "name"):
            if not isinstance(pkg.get(key), str) or not pkg.get(key):
                raise InvalidInput(f"{where}: not OSV: {ident} affected[{i}].package.{key} missing")
        for j, rng in enumerate(aff.get("ranges") or []):
            if not isinstance(rng, dict) or not isinstance(rng.get("events"), list):
                raise InvalidInput(
                    f"{where}: not OSV: {ident} affected[{i}].ranges[{j}] has no events"
                )


def _base_ecosystem(ecosystem: str) -> str:
    return ecosystem.split(":", 1)[0]


_SCHEMA = """
CREATE TABLE IF NOT EXISTS advisories (id TEXT PRIMARY KEY, modified TEXT, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS affected (advisory_id TEXT NOT NULL, ecosystem TEXT NOT NULL,
    name TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS affected_pkg ON affected (ecosystem, name);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
"""


def import_vulndb(settings: Settings, file: Path, *, replace: bool = False) -> ImportReport:
    """Validate ``file`` whole, then merge it into the database (or swap it in: ``replace``)."""
    file = Path(file)
    entries: dict[str, dict[str, Any]] = {}
    for where, items in _read_source(file, settings):
        for entry in items:
            validate_entry(entry, where)
            entries[entry["id"]] = entry
    if not entries:
        raise InvalidInput(f"{file}: not OSV: no entries found")

    target = db_path(settings)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=".osv-", suffix=".db", dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        if target.exists() and not replace:
            src = sqlite3.connect(target)
            dst = sqlite3.connect(tmp)
            try:
                src.backup(dst)
            finally:
                src.close()
                dst.close()
        conn = sqlite3.connect(tmp)
        try:
            with conn:
                conn.executescript(_SCHEMA)
                for ident, entry in entries.items():
                    conn.execute("DELETE FROM affected WHERE advisory_id = ?", (ident,))
                    conn.execute(
                        "INSERT OR REPLACE INTO advisories (id, modified, data) VALUES (?, ?, ?)",
                        (ident, entry.get("modified"), json.dumps(entry)),
                    )
                    pkgs = {
                        (
                            _base_ecosystem(a["package"]["ecosystem"]),
                            normalize_name(
                                _base_ecosystem(a["package"]["ecosystem"]), a["package"]["name"]
                            ),
                        )
                        for a in entry["affected"]
                    }
                    conn.executemany(
                        "INSERT INTO affected (advisory_id, ecosystem, name) VALUES (?, ?, ?)",
                        [(ident, eco, name) for eco, name in sorted(pkgs)],
                    )
                conn.execute(
                    "INSERT OR REPLACE INTO meta VALUES ('imported_at', ?)",
                    (datetime.now(UTC).isoformat(),),
                )
            total = conn.execute("SELECT count(*) FROM advisories").fetchone()[0]
            ecosystems = dict(
                conn.execute(
                    "SELECT ecosystem, count(DISTINCT name) FROM affected GROUP BY ecosystem"
                )
            )
        finally:
            conn.close()
        os.replace(tmp, target)
    except sqlite3.Error as exc:
        raise StorageError(f"cannot write the vulnerability database: {exc}") from exc
    finally:
        tmp.unlink(missing_ok=True)
    return ImportReport(
        path=str(file), imported=len(entries), total=total, ecosystems=ecosystems, replaced=replace
    )


def vulndb_status(settings: Settings) -> dict[str, Any]:
    """Whether a database is loaded, and what is in it."""
    path = db_path(settings)
    if not path.exists():
        return {"loaded": False, "path": str(path), "advisories": 0, "ecosystems": {}}
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        total = conn.execute("SELECT count(*) FROM advisories").fetchone()[0]
        ecos = dict(
            conn.execute("SELECT ecosystem, count(DISTINCT name) FROM affected GROUP BY ecosystem")
        )
        row = conn.execute("SELECT value FROM meta WHERE key = 'imported_at'").fetchone()
    finally:
        conn.close()
    return {
        "loaded": True,
        "path": str(path),
        "advisories": total,
        "ecosystems": ecos,
        "imported_at": row[0] if row else None,
    }


# ---------------------------------------------------------------- versions

_SEMVER = re.compile(
    r"^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$"
)


# (major, minor, patch, 1 for a release / 0 for a pre-release, pre-release identifiers)
_SemverKey = tuple[int, int, int, int, tuple[tuple[int, int, str], ...]]


def _semver_key(text: str) -> _SemverKey | None:
    m = _SEMVER.match(text.strip())
    if not m:
        return None
    major, minor, patch, pre = m.groups()
    core = (int(major), int(minor or 0), int(patch or 0))
    if pre is None:
        return (*core, 1, ())
    ids = tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in pre.split("."))
    return (*core, 0, ids)


_MAVEN_QUALIFIERS = {
    "alpha": 0,
    "a": 0,
    "beta": 1,
    "b": 1,
    "milestone": 2,
    "m": 2,
    "rc": 3,
    "cr": 3,
    "snapshot": 4,
    "": 5,
    "ga": 5,
    "final": 5,
    "release": 5,
    "sp": 6,
}


def _maven_items(text: str) -> list[tuple[int, int, str]]:
    items: list[tuple[int, int, str]] = []
    for tok in re.findall(r"\d+|[A-Za-z]+", text.lower()):
        if tok.isdigit():
            items.append((1, int(tok), ""))
        else:
            rank = _MAVEN_QUALIFIERS.get(tok)
            items.append((0, rank, "") if rank is not None else (0, 7, tok))
    while items and items[-1] in {(1, 0, ""), (0, 5, "")}:
        items.pop()
    return items


def _maven_cmp(a: str, b: str) -> int:
    ia, ib = _maven_items(a), _maven_items(b)
    for i in range(max(len(ia), len(ib))):
        x = ia[i] if i < len(ia) else None
        y = ib[i] if i < len(ib) else None
        if x is None:
            x = (1, 0, "") if y and y[0] == 1 else (0, 5, "")
        if y is None:
            y = (1, 0, "") if x[0] == 1 else (0, 5, "")
        if x != y:
            return -1 if x < y else 1
    return 0


def compare_versions(ecosystem: str, a: str, b: str) -> int | None:
    """-1, 0 or 1 comparing ``a`` with ``b`` in ``ecosystem``; None when either is unreadable."""
    eco = _base_ecosystem(ecosystem)
    if eco == "PyPI":
        try:
            va, vb = Version(a), Version(b)
        except InvalidVersion:
            return None
        return (va > vb) - (va < vb)
    if eco == "Maven":
        return _maven_cmp(a, b)
    ka, kb = _semver_key(a), _semver_key(b)
    if ka is None or kb is None:
        return None
    return (ka > kb) - (ka < kb)


class _Unreadable(Exception):
    pass


def _cmp(eco: str, a: str, b: str) -> int:
    r = compare_versions(eco, a, b)
    if r is None:
        raise _Unreadable(f"{a} / {b}")
    return r


def _range_affects(eco: str, version: str, events: list[dict[str, Any]]) -> tuple[bool, str | None]:
    """OSV's evaluation of one range's events; returns (affected, next fixed version)."""

    def sort_key(ev: dict[str, Any]) -> Any:
        v = next(iter(ev.values()), "0")

        def cmp(x: str, y: str) -> int:
            return -1 if x == "0" and y != "0" else 1 if y == "0" and x != "0" else _cmp(eco, x, y)

        return functools.cmp_to_key(cmp)(str(v))

    events = [
        e
        for e in events
        if isinstance(e, dict) and e and set(e) & {"introduced", "fixed", "last_affected"}
    ]
    affected = False
    fixed_above = None
    for ev in sorted(events, key=sort_key):
        if "introduced" in ev:
            intro = str(ev["introduced"])
            if intro == "0" or _cmp(eco, version, intro) >= 0:
                affected = True
        elif "fixed" in ev:
            fix = str(ev["fixed"])
            if _cmp(eco, version, fix) >= 0:
                affected = False
            elif fixed_above is None:
                fixed_above = fix
        elif "last_affected" in ev and _cmp(eco, version, str(ev["last_affected"])) > 0:
            affected = False
    return affected, fixed_above


def _norm_version(eco: str, v: str) -> str:
    return v.removeprefix("v") if eco in {"Go", "npm"} else v


# ---------------------------------------------------------------- severity

_CVSS3 = {
    "AV": {"N": 0.85, "A": 0.62, "L": 0.55, "P": 0.2},
    "AC": {"L": 0.77, "H": 0.44},
    "UI": {"N": 0.85, "R": 0.62},
    "C": {"H": 0.56, "L": 0.22, "N": 0.0},
}


def cvss3_base_score(vector: str) -> float | None:
    """Base score of a CVSS v3.x vector string, or None if it is not one."""
    if not vector.startswith("CVSS:3"):
        return None
    try:
        m = dict(p.split(":", 1) for p in vector.split("/")[1:])
        scope_changed = m["S"] == "C"
        pr = {"N": 0.85, "L": 0.68 if scope_changed else 0.62, "H": 0.5 if scope_changed else 0.27}
        iss = 1 - (
            (1 - _CVSS3["C"][m["C"]]) * (1 - _CVSS3["C"][m["I"]]) * (1 - _CVSS3["C"][m["A"]])
        )
        changed_impact = 7.52 * (iss - 0.029) - 3.25 * (iss - 0.02) ** 15
        impact = changed_impact if scope_changed else 6.42 * iss
        expl = (
            8.22
            * _CVSS3["AV"][m["AV"]]
            * _CVSS3["AC"][m["AC"]]
            * pr[m["PR"]]
            * _CVSS3["UI"][m["UI"]]
        )
    except (KeyError, ValueError):
        return None
    if impact <= 0:
        return 0.0
    raw = min((1.08 if scope_changed else 1) * (impact + expl), 10)
    return math.ceil(raw * 10 - 1e-9) / 10


def _score_severity(score: float) -> Severity:
    if score >= 9.0:
        return "critical"
    if score >= 7.0:
        return "high"
    if score >= 4.0:
        return "medium"
    return "low" if score > 0 else "info"


def advisory_severity(entry: dict[str, Any]) -> Severity | None:
    label = (entry.get("database_specific") or {}).get("severity")
    if isinstance(label, str):
        labels: dict[str, Severity] = {
            "critical": "critical",
            "high": "high",
            "moderate": "medium",
            "medium": "medium",
            "low": "low",
        }
        mapped = labels.get(label.lower())
        if mapped:
            return mapped
    for sev in entry.get("severity") or []:
        score = str(sev.get("score", "")) if isinstance(sev, dict) else ""
        value = cvss3_base_score(score)
        if value is None:
            try:
                value = float(score)
            except ValueError:
                continue
        return _score_severity(value)
    return None


# ---------------------------------------------------------------- checking


def _advisories_for(conn: sqlite3.Connection, eco: str, name: str) -> list[dict[str, Any]]:
    rows = conn.execute(
        "SELECT DISTINCT a.data FROM advisories a JOIN affected f ON f.advisory_id = a.id "
        "WHERE f.ecosystem = ? AND f.name = ? ORDER BY a.id",
        (eco, name),
    )
    return [json.loads(r[0]) for r in rows]


def _match(entry: dict[str, Any], dep: Dependency) -> tuple[bool | None, str | None]:
    """Whether ``entry`` affects ``dep`` (None: cannot tell) and the fixed version."""
    eco, version = dep.ecosystem, dep.version or ""
    fixed: str | None = None
    unreadable = False
    for aff in entry.get("affected", []):
        pkg = aff.get("package", {})
        if (
            _base_ecosystem(pkg.get("ecosystem", "")) != eco
            or normalize_name(eco, pkg.get("name", "")) != dep.name
        ):
            continue
        versions = {_norm_version(eco, str(v)) for v in aff.get("versions") or []}
        hit = _norm_version(eco, version) in versions
        for rng in aff.get("ranges") or []:
            if rng.get("type") not in {"ECOSYSTEM", "SEMVER"}:
                continue
            try:
                in_range, fix = _range_affects(
                    eco,
                    _norm_version(eco, version),
                    [
                        {k: _norm_version(eco, str(v)) for k, v in e.items()}
                        for e in rng.get("events", [])
                        if isinstance(e, dict)
                    ],
                )
            except _Unreadable:
                unreadable = True
                continue
            if in_range:
                hit = True
                fixed = fixed or fix
        if hit:
            return True, fixed
    return (None if unreadable else False), None


def _advisory(entry: dict[str, Any], fixed: str | None) -> Advisory:
    db = entry.get("database_specific") or {}
    cwes = [c for c in db.get("cwe_ids") or [] if isinstance(c, str)]
    return Advisory(
        id=entry["id"],
        summary=entry.get("summary") or entry.get("details", "")[:200],
        aliases=list(entry.get("aliases") or []),
        severity=advisory_severity(entry),
        fixed=fixed,
        cwes=cwes,
    )


def check_dependencies(settings: Settings, deps: Iterable[Dependency]) -> list[DependencyVerdict]:
    """A verdict per dependency against the imported OSV database."""
    deps = list(deps)
    path = db_path(settings)
    if not path.exists():
        return [
            DependencyVerdict(
                dependency=d,
                status="unknown",
                reason="no vulnerability database loaded; import one with "
                "'devlab vulndb import FILE'",
            )
            for d in deps
        ]
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        ecosystems = {r[0] for r in conn.execute("SELECT DISTINCT ecosystem FROM affected")}
        return [_verdict(conn, ecosystems, d) for d in deps]
    finally:
        conn.close()


def _verdict(conn: sqlite3.Connection, ecosystems: set[str], d: Dependency) -> DependencyVerdict:
    """The verdict on one dependency from the open OSV database (``ecosystems``: the
    ecosystems it has entries for)."""
    if d.ecosystem not in ecosystems:
        return DependencyVerdict(
            dependency=d,
            status="unknown",
            reason=f"the vulnerability database has no {d.ecosystem} entries",
        )
    entries = _advisories_for(conn, d.ecosystem, d.name)
    if not entries:
        return DependencyVerdict(
            dependency=d,
            status="not affected",
            reason=f"no advisory for {d.name} in the database",
        )
    if not d.version:
        return DependencyVerdict(
            dependency=d,
            status="unknown",
            reason=f"only a range ({d.spec or 'none'}) is known and {len(entries)} "
            "advisories exist for this package; pin or lock the version",
            advisories=[_advisory(e, None) for e in entries],
        )
    hits, undecided = [], []
    for e in entries:
        affected, fixed = _match(e, d)
        if affected:
            hits.append(_advisory(e, fixed))
        elif affected is None:
            undecided.append(e["id"])
    if hits:
        return DependencyVerdict(
            dependency=d,
            status="vulnerable",
            advisories=hits,
            reason=f"{d.name} {d.version} is affected by {', '.join(a.id for a in hits)}",
        )
    if undecided:
        return DependencyVerdict(
            dependency=d,
            status="unknown",
            reason=f"cannot compare version {d.version} with {', '.join(undecided)}",
        )
    return DependencyVerdict(
        dependency=d,
        status="not affected",
        reason=f"{d.version} is outside every affected range ({len(entries)} advisories checked)",
    )


def dependency_findings(verdicts: Iterable[DependencyVerdict]) -> list[Finding]:
    """One finding per (vulnerable dependency, advisory)."""
    findings = []
    for v in verdicts:
        if v.status != "vulnerable":
            continue
        d = v.dependency
        for a in v.advisories:
            cve = next((x for x in a.aliases if x.startswith("CVE-")), None)
            label = f"{a.id} ({cve})" if cve else a.id
            fix = (
                f"upgrade {d.name} to {a.fixed} or later"
                if a.fixed
                else f"no fixed version of {d.name} is published; replace or mitigate it"
            )
            findings.append(
                Finding(
                    rule_id="DL-DEP-VULN",
                    category="dependency",
                    title=f"{d.name} {d.version} is affected by {label}",
                    message=f"{d.ecosystem} package {d.name} {d.version}"
                    f"{'' if d.direct else ' (transitive)'}: {a.summary or label}",
                    severity=a.severity or "high",
                    confidence="high",
                    cwe="CWE-1395",
                    path=d.manifest,
                    start_line=d.line or 1,
                    end_line=d.line or 1,
                    snippet=f"{d.name} {d.version}",
                    symbol=f"{d.ecosystem}:{d.name}#{a.id}",
                    fix=fix,
                )
            )
    return findings


__all__ = [
    "Advisory",
    "DependencyVerdict",
    "ImportReport",
    "check_dependencies",
    "compare_versions",
    "cvss3_base_score",
    "db_path",
    "dependency_findings",
    "import_vulndb",
    "validate_entry",
    "vulndb_status",
]
