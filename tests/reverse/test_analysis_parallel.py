"""The analyses give the same report whether their per-file work runs inline or in a
process pool (forced here with a threshold of one file)."""

from __future__ import annotations

import textwrap

import pytest

from devlab.codebase import parallel
from devlab.codebase.ingest import ingest_source
from devlab.codebase.parallel import WorkerPool
from devlab.reverse.analyze import analyze_project
from devlab.reverse.performance import analyze_performance
from devlab.reverse.quality import QualityThresholds, analyze_quality
from devlab.reverse.security import analyze_security
from helpers import write_tree

APP = textwrap.dedent("""\
    import hashlib
    import pickle
    import random
    import subprocess

    from flask import Flask, request

    app = Flask(__name__)
    DEBUG = True
    PASSWORD = "hunter22"


    @app.route("/ping")
    def ping():
        host = request.args.get("host")
        return subprocess.check_output(f"ping -c 1 {host}", shell=True)


    @app.route("/load")
    def load():
        return pickle.loads(request.data)


    def store(password):
        return hashlib.md5(password.encode()).hexdigest()


    def make_token():
        return str(random.random())


    def join(items):
        out = ""
        for item in items:
            out += str(item)
        return out


    def busy(a, b, c, d, e, f, g):
        # TODO one  TODO two  FIXME three
        for x in a:
            for y in b:
                if x:
                    while y:
                        with open(c) as fh:
                            if fh:
                                y -= 1
        return a
""")

# a block of real logic; the second copy renames identifiers and literals
CLONE = """\
def {name}(orders, tax_rate):
    totals = {{}}
    for order in orders:
        customer = order["customer"]
        amount = order["price"] * order["quantity"]
        if order.get("discount"):
            amount = amount - amount * order["discount"]
        totals[customer] = totals.get(customer, 0) + amount * (1 + tax_rate)
    ranked = sorted(totals.items(), key=lambda kv: kv[1], reverse=True)
    return [name for name, value in ranked if value > {limit}]
"""

FILES = {
    "app.py": APP,
    "reports/a.py": CLONE.format(name="summarise", limit=100),
    "reports/b.py": CLONE.format(name="tally", limit=250),
    "reports/c.py": "import yaml\n\n\ndef read(s):\n    return yaml.load(s)\n",
    "broken.py": "def oops(:\n    pass\n",
    "util.py": "def add(a, b):\n    return a + b\n\n\ndef unused_helper():\n    return 1\n",
    "web/app.js": "function add(a, b) {\n  if (a) { if (b) { return a + b; } }\n  return 0;\n}\n",
    "run.sh": "#!/bin/sh\necho hi\n",
    "requirements.txt": "flask==2.0.0\n",
}


@pytest.fixture
def project(bench, tmp_path):
    src = write_tree(tmp_path / "proj", FILES)
    ingest_source(bench.db, bench.settings, name="proj", source=str(src))
    return src


@pytest.mark.slow
def test_quality_and_security_are_the_same_inline_and_in_a_pool(bench, project) -> None:
    t = QualityThresholds(min_clone_tokens=20)
    with WorkerPool(1) as one:
        quality = analyze_quality(bench.db, "proj", t, pool=one)
        security = analyze_security(bench.db, "proj", pool=one)
    with WorkerPool(2, min_items=1) as pool:
        pooled_quality = analyze_quality(bench.db, "proj", t, pool=pool)
        pooled_security = analyze_security(bench.db, "proj", pool=pool)
        assert pool.started
    assert pooled_quality.model_dump() == quality.model_dump()
    assert pooled_security.model_dump() == security.model_dump()
    # the project exercises what could differ: findings of each kind, errors, skips
    rules = {f.rule_id for f in quality.findings}
    assert {"Q-CLONE", "Q-LONG-PARAMS", "Q-DEEP-NESTING", "Q-DEAD-CODE"} <= rules
    assert [p for p, _ in quality.errors] == ["broken.py"]
    assert [p for p, _ in quality.skipped] == ["run.sh"]
    cwes = {f.cwe for f in security.findings}
    assert {"CWE-78", "CWE-502", "CWE-489"} <= cwes
    assert any(f.rule_id.startswith("BANDIT-") for f in security.findings)
    # tree-sitter analyses broken.py as far as it parses: not an error; bandit skips it
    assert security.errors == [] and security.unanalysed == [] and security.bandit_skipped == 1


@pytest.mark.slow
def test_analyze_project_is_the_same_with_one_worker_and_with_a_pool(
    bench, project, monkeypatch
) -> None:
    serial = analyze_project(
        bench.db,
        bench.settings.model_copy(update={"ingest_workers": 1}),
        "proj",
        source_root=project,
    )
    started: list[int] = []
    real_pool = WorkerPool._pool

    def spy(self: WorkerPool):  # type: ignore[no-untyped-def]
        started.append(self.workers)
        return real_pool(self)

    monkeypatch.setattr(parallel, "MIN_FILES_FOR_POOL", 1)
    monkeypatch.setattr(WorkerPool, "_pool", spy)
    pooled = analyze_project(
        bench.db,
        bench.settings.model_copy(update={"ingest_workers": 2}),
        "proj",
        source_root=project,
    )
    assert started and set(started) == {2}
    assert pooled.model_dump(exclude={"seconds"}) == serial.model_dump(exclude={"seconds"})
    assert pooled.findings and {f.category for f in pooled.findings} >= {"quality", "security"}


@pytest.mark.slow
def test_pooled_performance_scan_matches_analyze_performance(bench, project) -> None:
    """The performance rules run per file in analyze_project's pool; the pooled scan must
    give what the inline one gives."""
    with WorkerPool(2, min_items=1) as pool:
        pooled = analyze_performance(bench.db, "proj", pool=pool)
        assert pool.started
    findings, errors = analyze_performance(bench.db, "proj")
    assert [f.model_dump() for f in pooled[0]] == [f.model_dump() for f in findings]
    assert pooled[1] == errors
    assert findings and [p for p, _ in errors] == ["broken.py"]
