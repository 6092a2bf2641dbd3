"""The insights feed over real analyses: new, fixed, reopened, dismissed, moved, ranked."""

from __future__ import annotations

import pytest

from devlab.codebase.models import IngestRequest
from devlab.errors import InvalidInput, NotFound
from devlab.insights.feed import (
    get_insight,
    last_analysis,
    list_insights,
    reachability,
    record_analysis,
    update_insight,
)
from devlab.insights.jobs import run_analysis
from devlab.insights.models import InsightUpdate
from devlab.reverse.analyze import AnalysisError, AnalysisReport
from devlab.reverse.models import Finding, TaintStep
from helpers import FLASK_CMDI, write_tree

CMDI = FLASK_CMDI
PICKLE = (
    "import pickle\n"
    "from flask import request\n\n\n"
    "def load():\n"
    "    return pickle.loads(request.data)\n"
)
FIXED_CMDI = (
    "import subprocess\n"
    "from flask import Flask, request\n\n"
    "app = Flask(__name__)\n\n\n"
    "@app.route('/ping')\n"
    "def ping():\n"
    "    host = request.args['host']\n"
    "    return subprocess.check_output(['ping', '-c', '1', host])\n"
)


def _analyse(bench, root, phases=("security",)):
    job, report = run_analysis(
        bench, ingest=IngestRequest(name="app", source=str(root)), phases=phases
    )
    assert job.status == "succeeded", job.error
    return job.result, report


def _by_rule(page, rule_prefix="DL-PY"):
    return {i.cwe: i for i in page.items if i.rule_id.startswith(rule_prefix)}


@pytest.mark.slow
def test_feed_tracks_new_fixed_reopened_and_dismissed_across_snapshots(bench, tmp_path):
    root = write_tree(tmp_path / "app", {"app.py": CMDI, "loader.py": PICKLE})
    first, _ = _analyse(bench, root)
    assert first["new"] == first["findings"] > 0 and first["fixed"] == 0
    page = list_insights(bench.db, "app", type="security")
    cmdi, pickle_ = _by_rule(page)["CWE-78"], _by_rule(page)["CWE-502"]
    assert cmdi.new and cmdi.status == "open" and cmdi.reachability == "tainted"
    assert cmdi.taint_path and cmdi.fix
    assert page.items[0].score >= page.items[-1].score  # ranked

    # the pickle finding is accepted as a risk; the command injection gets fixed and the
    # pickle code moves down two lines (same insight, new line numbers)
    dismissed = update_insight(
        bench.db, pickle_.id, InsightUpdate(status="dismissed", reason="internal callers only")
    )
    assert dismissed.status == "dismissed" and dismissed.status_reason == "internal callers only"
    write_tree(root, {"app.py": FIXED_CMDI, "loader.py": "\n\n" + PICKLE})
    second, _ = _analyse(bench, root)
    assert second["fixed"] >= 1
    # the fix (an argument list) only adds bandit's low-severity subprocess notes
    assert all(i.severity == "low" for i in list_insights(bench.db, "app", new=True).items)
    fixed = get_insight(bench.db, cmdi.id)
    assert fixed.status == "fixed" and fixed.fixed_in_snapshot_id == second["snapshot_id"]
    assert fixed.first_seen_snapshot_id == first["snapshot_id"]
    still = get_insight(bench.db, pickle_.id)
    assert still.status == "dismissed" and still.start_line == pickle_.start_line + 2
    assert still.last_seen_snapshot_id == second["snapshot_id"] and not still.new
    open_page = list_insights(bench.db, "app", type="security")
    assert cmdi.id not in {i.id for i in open_page.items}
    assert pickle_.id not in {i.id for i in open_page.items}
    assert {i.id for i in list_insights(bench.db, "app", status="fixed").items} >= {cmdi.id}

    # the vulnerable code comes back: the same insight is open again, not a new one
    write_tree(root, {"app.py": CMDI})
    third, _ = _analyse(bench, root)
    assert third["reopened"] >= 1
    back = get_insight(bench.db, cmdi.id)
    assert back.status == "open" and back.fixed_in_snapshot_id is None
    assert last_analysis(bench.db, "app").id == third["id"]


def test_new_filter_shows_only_what_the_latest_analysis_added(bench, tmp_path):
    root = write_tree(tmp_path / "app", {"loader.py": PICKLE})
    _analyse(bench, root)
    write_tree(root, {"app.py": CMDI})
    _analyse(bench, root)
    new = list_insights(bench.db, "app", new=True)
    assert new.items and all(i.path == "app.py" and i.new for i in new.items)
    old = list_insights(bench.db, "app", new=False)
    assert old.items and all(i.path == "loader.py" for i in old.items)


def test_a_file_that_failed_to_analyse_is_not_marked_fixed(bench, tmp_path):
    root = write_tree(tmp_path / "app", {"app.py": CMDI})
    _, report = _analyse(bench, root)
    before = list_insights(bench.db, "app", type="security")
    assert before.total > 0
    # the same snapshot analysed again, but app.py crashed this time: nothing it had is fixed
    crashed = AnalysisReport(
        project="app",
        snapshot_id=report.snapshot_id,
        phases=["security"],
        errors=[AnalysisError(analysis="security", path="app.py", message="boom")],
    )
    summary = record_analysis(bench.db, "app", crashed)
    assert summary.fixed == 0
    assert list_insights(bench.db, "app", type="security").total == before.total
    # while a phase that did not run leaves other categories alone as well
    quality_only = AnalysisReport(project="app", snapshot_id=report.snapshot_id, phases=["quality"])
    assert record_analysis(bench.db, "app", quality_only).fixed == 0


def test_duplicate_fingerprints_in_one_analysis_are_one_insight(bench, tmp_path):
    root = write_tree(tmp_path / "app", {"app.py": CMDI})
    _, report = _analyse(bench, root)
    finding = report.findings[0]
    twice = report.model_copy(update={"findings": [finding, finding.model_copy()]})
    summary = record_analysis(bench.db, "app", twice)
    assert summary.findings == 1
    assert get_insight(bench.db, list_insights(bench.db, "app").items[0].id).occurrences == 2


def test_reachability_ranks_tainted_above_unknown_above_tests():
    def finding(path, taint=()):
        return Finding(
            rule_id="DL-PY-CMDI",
            category="security",
            title="t",
            message="m",
            severity="high",
            confidence="high",
            path=path,
            start_line=1,
            end_line=1,
            taint_path=list(taint),
        )

    source = TaintStep(line=1, code="x = request.args['x']", note="source: request.args")
    assert reachability(finding("app/views.py", [source])) == "tainted"
    assert reachability(finding("app/views.py")) == "code"
    for path in ("tests/test_views.py", "app/views_test.go", "web/a.spec.ts", "docs/conf.py"):
        assert reachability(finding(path, [source])) == "test"


def test_bad_feed_requests_say_what_to_change(bench, tmp_path):
    root = write_tree(tmp_path / "app", {"app.py": CMDI})
    _analyse(bench, root)
    valid = "security, performance, quality, dependency, coverage, resilience, all"
    with pytest.raises(InvalidInput, match=valid):
        list_insights(bench.db, "app", type="style")
    with pytest.raises(InvalidInput, match="open, dismissed, fixed, all"):
        list_insights(bench.db, "app", status="closed")  # type: ignore[arg-type]
    with pytest.raises(InvalidInput, match="severity"):
        list_insights(bench.db, "app", min_severity="urgent")
    with pytest.raises(NotFound):
        list_insights(bench.db, "no-such-project")
    item = list_insights(bench.db, "app").items[0]
    with pytest.raises(InvalidInput, match="reason"):
        update_insight(bench.db, item.id, InsightUpdate(status="dismissed", reason="  "))
    with pytest.raises(NotFound, match="12345"):
        update_insight(bench.db, 12345, InsightUpdate(status="open"))
    assert get_insight(bench.db, item.id).status == "open"  # nothing changed
    # the seed's name for performance insights is accepted
    assert list_insights(bench.db, "app", type="optimization").type == "performance"
    with pytest.raises(InvalidInput, match="choose from"):
        run_analysis(bench, project="app", phases=["security", "speed"])


def test_dependencies_of_an_ingested_snapshot_include_its_lock_file(bench, tmp_path):
    from devlab.reverse.analyze import analyze_project

    lock = (
        '{"name": "web", "lockfileVersion": 3, "packages": {'
        '"": {"dependencies": {"express": "^4.17.0"}},'
        '"node_modules/express": {"version": "4.17.1"},'
        '"node_modules/qs": {"version": "6.7.0"}}}\n'
    )
    root = write_tree(
        tmp_path / "web",
        {"package.json": '{"dependencies": {"express": "^4.17.0"}}\n', "package-lock.json": lock},
    )
    run_analysis(bench, ingest=IngestRequest(name="web", source=str(root)), phases=["secrets"])
    # the source tree is not passed: manifests come from the snapshot, lock files included
    report = analyze_project(bench.db, bench.settings, "web", phases=["dependencies"])
    assert report.errors == [] and report.dependencies >= 2  # express and transitive qs
    assert report.dependency_status == {"unknown": report.dependencies}  # no database loaded


def test_recognised_secrets_rank_above_guessed_ones(bench, tmp_path):
    token = "ghp_" + "Q1w2E3r4T5y6U7i8O9p0A1s2D3f4G5h6J7k8"
    root = write_tree(
        tmp_path / "app",
        {"settings.py": f'GITHUB = "{token}"\n', "conf.py": 'password = "Zq8!vR2#mW5pLx"\n'},
    )
    _, report = _analyse(bench, root, phases=("secrets",))
    by_path = {f.path: f for f in report.findings}
    assert (by_path["settings.py"].severity, by_path["settings.py"].confidence) == ("high", "high")
    assert (by_path["conf.py"].severity, by_path["conf.py"].confidence) == ("medium", "low")
    ranked = [i.path for i in list_insights(bench.db, "app").items]
    assert ranked.index("settings.py") < ranked.index("conf.py")
