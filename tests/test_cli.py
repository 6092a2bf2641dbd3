"""The ``devlab`` command, driven through Typer's runner and checked through the library."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile

import pytest
from typer.testing import CliRunner

from devlab.cli import app
from devlab.codebase.projects import project_info
from devlab.config import load_settings
from devlab.store.db import Database
from helpers import SAMPLE

runner = CliRunner()


def _invoke(home, *args):
    return runner.invoke(app, ["--home", str(home), *args])


@pytest.mark.slow
def test_every_command_has_help():
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    commands = [c.name or c.callback.__name__ for c in app.registered_commands]
    for name in commands:
        sub = runner.invoke(app, [name, "--help"])
        assert sub.exit_code == 0, (name, sub.output)
        assert "Usage" in sub.output


@pytest.mark.slow  # 2-3 s: git clones and a whole ingestion
def test_ingest_then_query_with_json(tmp_path, sample_repo):
    home = tmp_path / "home"
    result = _invoke(home, "ingest", str(sample_repo), "--name", "shop", "--no-embed", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["files"] == 6 and data["project"] == "shop"
    db = Database(load_settings(home=home))
    assert project_info(db, "shop").current_snapshot.file_count == 6
    db.close()

    found = json.loads(
        _invoke(
            home, "search", "apply_discount", "-p", "shop", "--mode", "lexical", "--json"
        ).stdout
    )
    assert found[0]["symbol"] == "apply_discount"
    assert set(found[0]) >= {
        "path",
        "start_line",
        "end_line",
        "symbol",
        "kind",
        "language",
        "snippet",
        "score",
        "lexical_rank",
        "semantic_rank",
    }
    projects = json.loads(_invoke(home, "projects", "--json").stdout)
    assert [p["name"] for p in projects] == ["shop"]
    symbols = json.loads(_invoke(home, "symbols", "Cart*", "-p", "shop", "--json").stdout)
    assert {s["qualname"] for s in symbols} >= {"Cart", "Cart.total"}
    repo_map = _invoke(home, "map", "-p", "shop", "--tokens", "100")
    assert repo_map.exit_code == 0 and "shop/" in repo_map.stdout
    defs = json.loads(_invoke(home, "def", "Cart.total", "-p", "shop", "--json").stdout)
    assert [(d["path"], d["start_line"]) for d in defs] == [("shop/cart.py", 16)]
    # text output names what each line is about: the callee, the symbol
    callees = _invoke(home, "callees", "Cart.total", "-p", "shop")
    assert callees.exit_code == 0
    assert any(line.split()[1:2] == ["apply_discount"] for line in callees.stdout.splitlines()), (
        callees.stdout
    )
    found = _invoke(home, "def", "total", "-p", "shop")
    assert found.stdout.split()[:2] == ["shop/cart.py:16", "Cart.total"]
    # no match: a message and exit 1 (like grep), never silence
    none = _invoke(home, "symbols", "NoSuchThing*", "-p", "shop")
    assert none.exit_code == 1 and "no symbols match 'NoSuchThing*'" in none.stderr
    missing = _invoke(home, "callers", "no_such_function", "-p", "shop")
    assert missing.exit_code == 1 and "nothing found" in missing.stderr


def test_semantic_mode_refuses_a_project_without_embeddings_hybrid_falls_back(
    tmp_path, sample_repo
):
    home = tmp_path / "home"
    _invoke(home, "ingest", str(sample_repo), "--name", "shop", "--no-embed")
    result = _invoke(home, "search", "cart", "-p", "shop", "--mode", "semantic")
    assert result.exit_code == 2 and "without embeddings" in result.stderr
    hybrid = json.loads(_invoke(home, "search", "cart total", "-p", "shop", "--json").stdout)
    assert hybrid and all(r["semantic_rank"] is None for r in hybrid)  # lexical alone


def test_unknown_project_exits_2_with_a_message(tmp_path):
    result = _invoke(tmp_path / "home", "search", "x", "--project", "nope", "--json")
    assert result.exit_code == 2
    assert "no project 'nope'" in result.stderr and result.stdout == ""


def test_bad_zip_exits_with_clear_error_and_nothing_written(tmp_path):
    evil = tmp_path / "evil.zip"
    with zipfile.ZipFile(evil, "w") as zf:
        zf.writestr("/etc/evil.py", "x = 1\n")
    result = _invoke(tmp_path / "home", "ingest", str(evil), "--name", "evil", "--no-embed")
    assert result.exit_code == 2 and "unsafe" in result.stderr.lower()
    assert not any((tmp_path / "home" / "work").glob("*/*"))


def test_invalid_limit_is_a_usage_error(tmp_path):
    result = _invoke(tmp_path / "home", "search", "x", "-p", "p", "--limit", "0")
    assert result.exit_code == 2


@pytest.mark.slow
def test_devlab_console_script_runs_in_a_subprocess(tmp_path, sample_repo):
    """The installed entry point: JSON on stdout only, progress on stderr."""
    archive = tmp_path / "shop.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for rel, content in SAMPLE.items():
            zf.writestr(rel, content)
    exe = [sys.executable, "-m", "devlab", "--home", str(tmp_path / "h")]
    proc = subprocess.run(
        [*exe, "ingest", str(archive), "--name", "z", "--json"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["source_kind"] == "zip"
    assert "embed" in proc.stderr  # the progress bar went to stderr
    proc = subprocess.run(
        [*exe, "search", "total of the cart", "-p", "z", "--json"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    results = json.loads(proc.stdout)
    assert results[0]["path"] == "shop/cart.py" and results[0]["semantic_rank"] is not None


def test_invalid_choice_is_a_clear_error_not_a_traceback(tmp_path):
    result = _invoke(tmp_path / "home", "search", "x", "-p", "p", "--kind", "bogus")
    assert result.exit_code == 2
    assert "kind" in result.stderr and "Traceback" not in result.output


def test_ingest_job_is_recorded_with_its_project(tmp_path, sample_repo):
    home = tmp_path / "home"
    _invoke(home, "ingest", str(sample_repo), "--name", "shop", "--no-embed")
    jobs = json.loads(_invoke(home, "jobs", "--json").stdout)
    assert jobs[0]["kind"] == "ingest" and jobs[0]["status"] == "succeeded"
    assert jobs[0]["project_id"] == 1 and jobs[0]["result"]["files"] == 6
