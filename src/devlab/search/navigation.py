"""Code navigation over the current snapshot: symbols, definitions, references,
callers and callees. Names match a symbol's short name or its qualified name."""

from __future__ import annotations

from sqlalchemy import text

from devlab.codebase import require_snapshot, resolve_project
from devlab.errors import InvalidInput
from devlab.search.models import ReferenceInfo, SymbolInfo
from devlab.store import Database, crypto

_SYMBOL_COLUMNS = (
    "x.name, x.qualname, x.kind, f.path, x.start_line, x.end_line, x.signature, x.docstring, x.rank"
)
_FROM_SYMBOLS = (
    "FROM symbols x JOIN files f ON f.id = x.file_id "
    "JOIN snapshot_files sf ON sf.file_id = x.file_id WHERE sf.snapshot_id = :s"
)


def _symbols(db: Database, where: str, params: dict, limit: int) -> list[SymbolInfo]:
    sql = text(
        f"SELECT {_SYMBOL_COLUMNS} {_FROM_SYMBOLS} {where} "
        "ORDER BY x.rank DESC, f.path, x.start_line LIMIT :limit"
    )
    with db.engine.connect() as conn:
        rows = conn.execute(sql, {**params, "limit": limit})
        return [
            SymbolInfo(
                name=r[0],
                qualname=r[1],
                kind=r[2],
                path=r[3],
                start_line=r[4],
                end_line=r[5],
                signature=crypto.decrypt(r[6]),  # encrypted at rest (#19)
                docstring=crypto.decrypt(r[7]),
                rank=r[8],
            )
            for r in rows
        ]


def _check_limit(limit: int) -> None:
    if not 1 <= limit <= 100_000:
        raise InvalidInput("limit must be between 1 and 100000")


def find_symbols(
    db: Database,
    project: str | int,
    pattern: str | None = None,
    *,
    kind: str | None = None,
    limit: int = 200,
) -> list[SymbolInfo]:
    """Symbols whose qualified name matches ``pattern`` (a glob with * and ?, or a
    substring), best-ranked first."""
    _check_limit(limit)
    snap = require_snapshot(resolve_project(db, project))
    where = "AND x.kind != 'module'"
    params: dict[str, object] = {"s": snap}
    if kind:
        where, params = "AND x.kind = :kind", {**params, "kind": kind}
    if pattern:
        like = pattern.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        like = like.replace("*", "%").replace("?", "_")
        if "*" not in pattern and "?" not in pattern:
            like = f"%{like}%"
        where += " AND (x.qualname LIKE :pat ESCAPE '\\' OR x.name LIKE :pat ESCAPE '\\')"
        params["pat"] = like
    return _symbols(db, where, params, limit)


def definitions(db: Database, project: str | int, name: str, limit: int = 50) -> list[SymbolInfo]:
    """Where ``name`` (short or qualified, e.g. ``get`` or ``Client.get``) is defined."""
    if not name.strip():
        raise InvalidInput("give a symbol name, e.g. `Client.get` or `get`")
    snap = require_snapshot(resolve_project(db, project))
    short = name.rsplit(".", 1)[-1]
    where = (
        "AND x.name = :short AND (x.qualname = :name OR x.qualname LIKE :suffix OR :name = :short)"
    )
    return _symbols(
        db, where, {"s": snap, "short": short, "name": name, "suffix": f"%.{name}"}, limit
    )


def references(
    db: Database, project: str | int, name: str, *, kind: str | None = None, limit: int = 500
) -> list[ReferenceInfo]:
    """Every reference (``kind='call'`` for call sites only) to ``name``'s short name."""
    _check_limit(limit)
    snap = require_snapshot(resolve_project(db, project))
    short = name.rsplit(".", 1)[-1]
    where = "AND r.kind = :kind" if kind else ""
    sql = text(
        "SELECT r.name, r.kind, f.path, r.line, r.scope FROM symbol_refs r "
        "JOIN files f ON f.id = r.file_id JOIN snapshot_files sf ON sf.file_id = r.file_id "
        f"WHERE sf.snapshot_id = :s AND r.name = :name {where} ORDER BY f.path, r.line LIMIT :limit"
    )
    with db.engine.connect() as conn:
        rows = conn.execute(sql, {"s": snap, "name": short, "kind": kind, "limit": limit})
        return [ReferenceInfo(name=r[0], kind=r[1], path=r[2], line=r[3], scope=r[4]) for r in rows]


def callers(db: Database, project: str | int, name: str, limit: int = 500) -> list[ReferenceInfo]:
    """Call sites of ``name``; ``scope`` is the calling symbol (None: module level)."""
    return references(db, project, name, kind="call", limit=limit)


def callees(db: Database, project: str | int, name: str, limit: int = 500) -> list[ReferenceInfo]:
    """Calls made inside the definition(s) of ``name`` (nested scopes included)."""
    snap = require_snapshot(resolve_project(db, project))
    defs = definitions(db, project, name)
    out: list[ReferenceInfo] = []
    sql = text(
        "SELECT r.name, r.kind, f.path, r.line, r.scope FROM symbol_refs r "
        "JOIN files f ON f.id = r.file_id JOIN snapshot_files sf ON sf.file_id = r.file_id "
        "WHERE sf.snapshot_id = :s AND f.path = :path AND r.kind = 'call' "
        "AND (r.scope = :q OR r.scope LIKE :nested) ORDER BY r.line LIMIT :limit"
    )
    with db.engine.connect() as conn:
        for d in defs:
            rows = conn.execute(
                sql,
                {
                    "s": snap,
                    "path": d.path,
                    "q": d.qualname,
                    "nested": f"{d.qualname}.%",
                    "limit": limit,
                },
            )
            out.extend(
                ReferenceInfo(name=r[0], kind=r[1], path=r[2], line=r[3], scope=r[4]) for r in rows
            )
    return out[:limit]
