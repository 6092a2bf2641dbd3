"""The repo map: a compact, ranked outline of the repository within a token budget.

Read as a pipeline (after aider's repomap.py): the snapshot's symbols with the
PageRank computed at ingestion -> files ranked by the sum of their symbols'
rank -> the top-N symbols, N found by binary search so the rendered outline
fits ``max_tokens`` -> rendered as ``path:`` followed by indented signatures.
Tokens are estimated at 4 characters each (no tokenizer dependency).
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import text

from devlab.codebase import require_snapshot, resolve_project
from devlab.errors import InvalidInput
from devlab.search.models import RepoMap
from devlab.store import Database, crypto

CHARS_PER_TOKEN = 4


def estimate_tokens(text_: str) -> int:
    return (len(text_) + CHARS_PER_TOKEN - 1) // CHARS_PER_TOKEN


def _ranked_symbols(db: Database, snapshot_id: int) -> list[tuple[str, int, str, str, float]]:
    """``(path, start_line, kind, signature, rank)``, best first."""
    sql = text(
        "SELECT f.path, x.start_line, x.kind, x.signature, x.rank, x.parent FROM symbols x "
        "JOIN files f ON f.id = x.file_id JOIN snapshot_files sf ON sf.file_id = x.file_id "
        "WHERE sf.snapshot_id = :s AND x.kind != 'module'"
    )
    with db.engine.connect() as conn:
        rows = conn.execute(sql, {"s": snapshot_id}).all()
    file_rank: dict[str, float] = defaultdict(float)
    for r in rows:
        file_rank[r[0]] += r[4]
    # Best file first, then best symbol; ties by position so the output is stable.
    rows = sorted(rows, key=lambda r: (-file_rank[r[0]], -r[4], r[0], r[1]))
    # the signature is encrypted at rest (#19)
    return [(r[0], r[1], r[2], ("  " if r[5] else "") + crypto.decrypt(r[3]), r[4]) for r in rows]


def render(symbols: list[tuple[str, int, str, str, float]]) -> str:
    by_file: dict[str, list[tuple[int, str]]] = {}
    for path, line, _kind, signature, _rank in symbols:
        by_file.setdefault(path, []).append((line, signature))
    out = []
    for path, items in by_file.items():
        out.append(f"{path}:")
        out.extend(f"  {line:>5}: {sig}" for line, sig in sorted(items))
    return "\n".join(out) + ("\n" if out else "")


def repo_map(db: Database, project: str | int, max_tokens: int = 1024) -> RepoMap:
    """The best outline of the project that fits in ``max_tokens``."""
    if not 16 <= max_tokens <= 200_000:
        raise InvalidInput("max_tokens must be between 16 and 200000")
    ref = resolve_project(db, project)
    snapshot_id = require_snapshot(ref)
    ranked = _ranked_symbols(db, snapshot_id)
    lo, hi, best = 0, len(ranked), ""
    while lo <= hi:  # largest prefix of the ranking whose rendering fits
        mid = (lo + hi) // 2
        rendered = render(ranked[:mid])
        if estimate_tokens(rendered) <= max_tokens:
            best, lo = rendered, mid + 1
        else:
            hi = mid - 1
    return RepoMap(
        project=ref.name,
        snapshot_id=snapshot_id,
        max_tokens=max_tokens,
        tokens=estimate_tokens(best),
        files=sum(1 for line in best.splitlines() if not line.startswith("  ")),
        symbols=sum(1 for line in best.splitlines() if line.startswith("  ")),
        text=best,
    )
