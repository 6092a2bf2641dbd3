"""The acceptance test of encryption at rest: a project with distinctive strings planted
in a string literal, a comment, a docstring and a finding's line is ingested and
analysed (every phase) with a key set; the database file and its write-ahead log, read
as raw bytes, contain none of them, while the store still reads them back.

The full-text index holds keyed hashes of the words (not the words), so the planted
strings are not in the file lower-cased either, yet keyword search through a real
server still finds each of them. What the file still reveals, by design: names
(symbols, paths, imports, references) stay plain because queries match them in SQL,
and the index's hashed tokens keep their counts and positions (frequency analysis).
"""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from devlab.codebase.models import IngestRequest
from devlab.config import load_settings
from devlab.insights.feed import list_insights
from devlab.insights.jobs import run_analysis
from devlab.search import find_symbols
from devlab.store import crypto
from devlab.workbench import Workbench
from helpers import serve_in_thread, write_tree

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
    settings = load_settings(home=home, encryption_key=crypto.new_key())
    bench = Workbench.open(settings)
    lowered = [p.lower() for p in PLANTS.values()]
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
        # neither as written nor lower-cased (the full-text index holds keyed hashes)
        leaks = _scan(files, list(PLANTS.values()) + lowered)
        assert leaks == {}, f"plain text at rest: {leaks}"
    finally:
        bench.close()
    try:
        # keyword search still finds each planted word, through a real server
        for hostport in serve_in_thread(settings):
            for word in PLANTS.values():
                resp = httpx.post(
                    f"http://{hostport}/api/v1/devlab/search",
                    json={"project": "app", "query": word.lower(), "mode": "lexical"},
                    timeout=30,
                )
                assert resp.status_code == 200, resp.text
                assert any(word in hit["snippet"] for hit in resp.json()), (word, resp.json())
    finally:
        crypto.configure([])
    assert _scan([home / "devlab.db"], list(PLANTS.values()) + lowered) == {}  # checkpointed
    import sqlean

    conn = sqlean.connect(home / "devlab.db")
    try:
        conn.execute("CREATE VIRTUAL TABLE temp.vocab USING fts5vocab(main, chunks_fts, row)")
        terms = {row[0] for row in conn.execute("SELECT term FROM temp.vocab")}
    finally:
        conn.close()
    assert terms and all(t[0] == "h" and t[1:].isdigit() for t in terms), sorted(terms)[:20]
