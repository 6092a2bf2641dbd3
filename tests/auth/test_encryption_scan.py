"""The acceptance test of encryption at rest: a project with distinctive strings planted
in a string literal, a comment, a docstring and a finding's line is ingested and
analysed (every phase) with a key set; the database file and its write-ahead log, read
as raw bytes, contain none of them, while the store still reads them back.

What the file still reveals, by design: the full-text index (FTS5, contentless) keeps
each chunk's words as lower-cased, Porter-stemmed tokens with their positions, because
BM25 search matches query tokens against them; names (symbols, paths, imports,
references) stay plain because queries match them in SQL. The last part of the test
shows that the FTS index is the only place the lower-cased words remain: drop it from a
copy of the file and none is left.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from devlab.codebase.models import IngestRequest
from devlab.config import load_settings
from devlab.insights.feed import list_insights
from devlab.insights.jobs import run_analysis
from devlab.search import find_symbols
from devlab.store import crypto
from devlab.workbench import Workbench
from helpers import write_tree

PLANTS = {
    "literal": "KiwiLiteralQuartz",
    "comment": "MangoCommentQuartz",
    "docstring": "PapayaDocstringQuartz",
    "finding": "GuavaFindingQuartz",
}
APP = f'''"""A ping service."""
import subprocess

from flask import Flask, request

app = Flask(__name__)
BANNER = "{PLANTS["literal"]}"


@app.route("/ping")
def ping():
    """Ping a host. {PLANTS["docstring"]}"""
    # {PLANTS["comment"]}: the host comes from the query string
    host = request.args["host"]
    return subprocess.check_output("ping -c 1 {PLANTS["finding"]} " + host, shell=True)
'''


def _scan(paths: list[Path], needles: list[str]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for path in paths:
        if path.exists():
            data = path.read_bytes()
            for needle in needles:
                if needle.encode() in data:
                    found.setdefault(needle, []).append(path.name)
    return found


@pytest.mark.slow
def test_a_copied_database_file_shows_no_planted_text(tmp_path) -> None:
    root = write_tree(tmp_path / "app", {"app.py": APP})
    # the control: without a key the scan finds every planted string
    plain = tmp_path / "plain"
    bench = Workbench.open(load_settings(home=plain))
    try:
        job, _ = run_analysis(bench, ingest=IngestRequest(name="app", source=str(root)))
        assert job.status == "succeeded", job.error
    finally:
        bench.close()
    assert set(_scan([plain / "devlab.db"], list(PLANTS.values()))) == set(PLANTS.values())
    home = tmp_path / "home"
    bench = Workbench.open(load_settings(home=home, encryption_key=crypto.new_key()))
    try:
        job, _ = run_analysis(bench, ingest=IngestRequest(name="app", source=str(root)))
        assert job.status == "succeeded", job.error
        # the store reads everything back
        items = list_insights(bench.db, "app", limit=200).items
        assert any(PLANTS["finding"] in i.snippet for i in items), [i.snippet for i in items]
        (ping,) = [s for s in find_symbols(bench.db, "app", "ping") if s.name == "ping"]
        assert PLANTS["docstring"] in ping.docstring and "def ping" in ping.signature
        files = [home / "devlab.db", home / "devlab.db-wal"]
        assert files[1].exists()  # the server's state: the log not yet checkpointed
        leaks = _scan(files, list(PLANTS.values()))
        assert leaks == {}, f"plain text at rest: {leaks}"
    finally:
        bench.close()
        crypto.configure([])
    # what the full-text index keeps: lower-cased, stemmed words; nothing else has them
    assert _scan([home / "devlab.db"], list(PLANTS.values())) == {}  # checkpointed too
    lowered = [p.lower() for p in PLANTS.values()]
    import sqlean

    copy = tmp_path / "copy.db"
    shutil.copy(home / "devlab.db", copy)
    conn = sqlean.connect(copy)
    try:
        conn.execute("CREATE VIRTUAL TABLE temp.vocab USING fts5vocab(main, chunks_fts, row)")
        terms = {row[0] for row in conn.execute("SELECT term FROM temp.vocab")}
        assert {"kiwiliteralquartz", "mangocommentquartz"} <= terms  # revealed by the index
        conn.execute("DROP TABLE temp.vocab")
        conn.execute("DROP TABLE chunks_fts")
        conn.commit()
        conn.execute("VACUUM")
    finally:
        conn.close()
    assert _scan([copy], lowered) == {}
