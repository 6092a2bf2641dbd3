"""Coverage of a project's own suite, in the real sandbox, stored per snapshot."""

from __future__ import annotations

import pytest

from devlab.testing import latest_coverage, measure_coverage
from devlab.workbench import Workbench

pytestmark = [pytest.mark.sandbox, pytest.mark.slow]


def test_coverage_per_file_and_function_with_a_hanging_test_timed_out(calc: Workbench):
    report = measure_coverage(calc.db, calc.settings, "calc", test_timeout=2)
    outcomes = {t.name.split("::")[-1]: t.outcome for t in report.tests}
    assert outcomes == {
        "test_clamp_high": "passed",
        "test_clamp_low": "passed",
        "test_hangs": "timeout",
    }
    assert report.status == "tests_failed" and "per-test limit" in report.message
    files = {f.path: f for f in report.files}
    assert set(files) == {"calc/__init__.py", "calc/util.py", "calc/other.py"}
    util = files["calc/util.py"]
    functions = {f.name: f for f in util.functions}
    clamp = functions["clamp"]
    assert clamp.summary.lines_covered == clamp.summary.lines - 2  # the raise and `return x`
    assert len(clamp.missing_lines) == 2
    assert functions["ratio"].summary.lines_covered == 0
    assert (
        functions["shout"].summary.branches > 0 and functions["shout"].summary.branch_percent == 0
    )
    assert 0 < util.summary.line_percent < 100 and util.missing_branches
    assert files["calc/other.py"].summary.line_percent == 0
    stored = latest_coverage(calc.db, "calc")
    assert stored is not None and stored.id == report.id
    assert stored.snapshot_id == report.snapshot_id and stored.summary == report.summary


def test_a_project_without_tests_has_zero_coverage_and_a_message(untested: Workbench):
    report = measure_coverage(untested.db, untested.settings, "bare")
    assert report.status == "no_tests" and "no tests" in report.message
    assert report.summary.line_percent == 0 and report.tests == []
    assert all(f.summary.line_percent == 0 for f in report.files)


def test_coverage_gaps_go_into_the_insights_feed_ranked(calc: Workbench):
    from devlab.insights.feed import list_insights

    report = measure_coverage(calc.db, calc.settings, "calc", test_timeout=1)
    assert "coverage gaps in the insights feed" in report.message
    page = list_insights(calc.db, "calc", type="coverage")
    gaps = {i.symbol: i for i in page.items}
    assert set(gaps) == {"ratio", "shout", "twice"}  # clamp is covered enough
    shout = gaps["shout"]
    assert shout.rule_id == "DL-COV-UNTESTED" and shout.category == "coverage"
    assert "devlab tests generate calc --path calc/util.py --symbol shout" in shout.fix
    assert shout.metrics["complexity"] > gaps["twice"].metrics["complexity"]
    assert page.items[0].symbol == "shout"  # the branchy one ranks first


def test_the_data_a_suite_reads_is_kept_with_the_snapshot(lab_bench: Workbench, tmp_path):
    """Test data (tests/data/, src/test/resources/, testdata/) is not code, so no parser
    indexes it; its text is still kept, secrets scrubbed, and sent with the tests."""
    from devlab.codebase import snapshot_lockfiles
    from lab_projects import ingest

    key = "AKIA" + "Q3EGRZ7YWXKJ5N2P"  # an AWS key id shape: scrubbed like in code
    ingest(lab_bench, tmp_path, "reader", {
        "reader/__init__.py": "",
        "reader/words.py": "def count(path):\n    with open(path) as f:\n"
        "        return len(f.read().split())\n",
        "tests/test_words.py": "import pathlib\nfrom reader.words import count\n\n"
        "def test_count():\n"
        "    assert count(pathlib.Path(__file__).parent / 'data' / 'five.words') == 5\n",
        "tests/data/five.words": "one two three four five\n",
        "tests/data/creds.txt": f"aws_access_key_id = {key}\n",
        "docs/notes.words": "not test data\n",
    })  # fmt: skip
    kept = dict(snapshot_lockfiles(lab_bench.db, "reader"))
    assert kept["tests/data/five.words"] == "one two three four five\n"
    assert key not in kept["tests/data/creds.txt"]
    assert "docs/notes.words" not in kept
    report = measure_coverage(lab_bench.db, lab_bench.settings, "reader")
    assert report.status == "ok", report.message
    assert [t.outcome for t in report.tests] == ["passed"]


def test_test_files_that_do_not_fit_the_source_limit_are_named(tmp_path):
    # a huge project is measured on what fits, and the report says what was left out
    from devlab.config import load_settings
    from lab_projects import CALC, ingest

    settings = load_settings(home=tmp_path / "home", sandbox_max_source_bytes=40_000)
    bench = Workbench.open(settings)
    try:
        huge = "# padding\n" * 5_000 + "def test_never_sent():\n    assert True\n"
        ingest(bench, tmp_path / "src", "calc", {**CALC, "tests/test_huge.py": huge})
        report = measure_coverage(bench.db, settings, "calc", test_timeout=2)
    finally:
        bench.close()
    assert {t.name.split("::")[-1] for t in report.tests} >= {"test_clamp_high"}
    assert not any("never_sent" in t.name for t in report.tests)
    assert "1 files did not fit the sandbox's source limit" in report.message
    assert "tests/test_huge.py" in report.message and "sandbox_max_source_bytes" in report.message
