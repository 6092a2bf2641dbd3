"""Quality analysis on real code indexed from tmp_path: metrics, smells, clones, dead code."""

from __future__ import annotations

from pathlib import Path

import pytest

from devlab.codebase.ingest import ingest_source
from devlab.reverse.models import Finding
from devlab.reverse.quality import (
    QualityReport,
    QualityThresholds,
    analyze_quality,
    maintainability_index,
)
from devlab.workbench import Workbench
from helpers import write_tree

CLASSIFY = '''\
def classify(n, low, high):
    """Sort a number into a bucket."""
    if n < low:
        return "low"
    elif n > high:
        return "high"
    else:
        return "mid"
'''

PARAMS = """\
class Shop:
    def add(self, name, price, qty=1, *tags, note="", **extra):
        return (name, price, qty, tags, note, extra)

    @classmethod
    def build(cls, a, b):
        return cls()
"""

NESTED = """\
def walk(rows, cols, grid):
    for r in rows:
        for c in cols:
            if grid:
                while r:
                    with open(c) as fh:
                        if fh:
                            r -= 1
    return grid


def flat(x):
    if x:
        return 1
    elif x is None:
        if x == 0:
            return 2
    return 3
"""

# a block of real-looking logic; the second copy renames every identifier and literal
CLONE_A = """\
def summarise(orders, tax_rate):
    totals = {}
    for order in orders:
        customer = order["customer"]
        amount = order["price"] * order["quantity"]
        if order.get("discount"):
            amount = amount - amount * order["discount"]
        totals[customer] = totals.get(customer, 0) + amount * (1 + tax_rate)
    ranked = sorted(totals.items(), key=lambda kv: kv[1], reverse=True)
    return [name for name, value in ranked if value > 100]
"""
CLONE_B = """\
def tally(invoices, vat):
    sums = {}
    for inv in invoices:
        client = inv["client"]
        cost = inv["unit"] * inv["count"]
        if inv.get("rebate"):
            cost = cost - cost * inv["rebate"]
        sums[client] = sums.get(client, 0) + cost * (2 + vat)
    order = sorted(sums.items(), key=lambda pair: pair[1], reverse=True)
    return [who for who, total in order if total > 50]
"""

CLEAN = '''\
"""Small, clean helpers."""


def double(x):
    return x * 2


def quadruple(x):
    return double(double(x))


def main():
    print(quadruple(3))
'''


def _index(bench: Workbench, root: Path, files: dict[str, str]) -> str:
    write_tree(root, files)
    ingest_source(bench.db, bench.settings, name="q", source=str(root), finalisers=[])
    return "q"


def _rules(report: QualityReport) -> dict[str, list[Finding]]:
    out: dict[str, list[Finding]] = {}
    for f in report.findings:
        out.setdefault(f.rule_id, []).append(f)
    return out


def _fn(report: QualityReport, qualname: str):
    (fn,) = [f for f in report.functions if f.qualname == qualname]
    return fn


def test_exact_metrics_of_small_functions(bench: Workbench, tmp_path: Path) -> None:
    files = {"app/classify.py": CLASSIFY, "app/shop.py": PARAMS, "app/nested.py": NESTED}
    report = analyze_quality(bench.db, _index(bench, tmp_path / "src", files))
    assert report.errors == []
    c = _fn(report, "classify")
    assert (c.path, c.start_line, c.end_line) == ("app/classify.py", 1, 8)
    assert (c.complexity, c.parameters, c.nesting) == (3, 3, 1)
    assert c.length == 7  # lines of code: the docstring does not count
    add = _fn(report, "Shop.add")
    assert add.parameters == 6  # name, price, qty, *tags, note, **extra; self not counted
    assert _fn(report, "Shop.build").parameters == 2  # cls not counted
    walk = _fn(report, "walk")
    assert walk.nesting == 6  # for / for / if / while / with / if
    assert walk.complexity == 6
    assert _fn(report, "flat").nesting == 2  # elif is not deeper; the if inside it is
    mod = {m.path: m for m in report.modules}["app/classify.py"]
    assert mod.functions == 1 and mod.complexity == 3 and mod.loc == 7
    assert 0 < mod.maintainability <= 100


def test_nesting_and_params_in_javascript_and_go(bench: Workbench, tmp_path: Path) -> None:
    files = {
        "web/a.js": (
            "function f(a, b) {\n  if (a) {\n    for (;;) {\n      if (b) { return 1 }\n"
            "      else if (a) { return 2 }\n    }\n  }\n  return 3\n}\n"
        ),
        "svc/main.go": (
            "package main\n\nfunc g(a int, b string) int {\n\tfor {\n\t\tif a > 0 {\n"
            "\t\t\treturn 1\n\t\t}\n\t}\n}\n"
        ),
    }
    report = analyze_quality(bench.db, _index(bench, tmp_path / "src", files))
    f = _fn(report, "f")
    assert (f.parameters, f.nesting, f.complexity) == (2, 3, 5)
    g = next(fn for fn in report.functions if fn.path == "svc/main.go")
    assert (g.parameters, g.nesting) == (2, 2)


SMELLY = {
    "smelly/long.py": "def long_one(x):\n"
    + "".join(f"    x = x + {i}\n" for i in range(70))
    + "    return x\n",
    "smelly/params.py": "def many(a, b, c, d, e, f):\n    return a\n",
    "smelly/complex.py": "def branchy(x):\n"
    + "".join(f"    if x == {i}:\n        return {i}\n" for i in range(12))
    + "    return -1\n",
    "smelly/nested.py": NESTED,
    "smelly/god.py": "class God:\n"
    + "".join(f"    def m{i}(self):\n        return {i}\n\n" for i in range(22)),
    "smelly/todo.py": "# TODO: one\n# FIXME: two\nx = 1  # XXX three\n# HACK: four\n",
}


def test_each_smell_is_detected(bench: Workbench, tmp_path: Path) -> None:
    report = analyze_quality(bench.db, _index(bench, tmp_path / "src", SMELLY))
    rules = _rules(report)
    assert [f.symbol for f in rules["Q-LONG-FN"]] == ["long_one"]
    assert [f.symbol for f in rules["Q-LONG-PARAMS"]] == ["many"]
    assert [f.symbol for f in rules["Q-COMPLEXITY"]] == ["branchy"]
    assert [f.symbol for f in rules["Q-DEEP-NESTING"]] == ["walk"]
    assert [f.symbol for f in rules["Q-GOD-CLASS"]] == ["God"]
    assert [f.path for f in rules["Q-TODO-DENSITY"]] == ["smelly/todo.py"]
    for f in report.findings:
        assert f.category == "quality" and f.fix and f.message
    long_one = rules["Q-LONG-FN"][0]
    assert long_one.metrics["length"] == 72 and long_one.start_line == 1
    assert rules["Q-COMPLEXITY"][0].metrics["complexity"] == 13
    assert rules["Q-GOD-CLASS"][0].metrics["methods"] == 22
    assert rules["Q-TODO-DENSITY"][0].metrics["todo_count"] == 4


def test_clean_code_has_no_findings(bench: Workbench, tmp_path: Path) -> None:
    files = {"clean/util.py": CLEAN, "clean/classify.py": CLASSIFY + "\nclassify(1, 0, 2)\n"}
    report = analyze_quality(bench.db, _index(bench, tmp_path / "src", files))
    assert report.findings == []
    assert len(report.functions) == 4


def test_thresholds_are_configurable(bench: Workbench, tmp_path: Path) -> None:
    project = _index(bench, tmp_path / "src", SMELLY)
    strict = analyze_quality(
        bench.db, project, QualityThresholds(max_parameters=0, max_complexity=1)
    )
    rules = _rules(strict)
    assert {"many", "long_one", "branchy", "walk"} <= {f.symbol for f in rules["Q-LONG-PARAMS"]}
    assert "flat" in {f.symbol for f in rules["Q-COMPLEXITY"]}
    lax = analyze_quality(
        bench.db,
        project,
        QualityThresholds(
            max_function_lines=500,
            max_parameters=10,
            max_nesting=10,
            max_complexity=50,
            max_class_methods=50,
            min_todo_count=10,
            dead_code=False,
        ),
    )
    assert lax.findings == []
    with pytest.raises(ValueError):
        QualityThresholds(max_nesting=0)
    with pytest.raises(ValueError):
        QualityThresholds(max_nestng=3)  # type: ignore[call-arg]


def test_clones_across_files_with_renamed_identifiers(bench: Workbench, tmp_path: Path) -> None:
    files = {"a/report.py": CLONE_A, "b/billing.py": CLONE_B, "c/util.py": CLEAN}
    report = analyze_quality(bench.db, _index(bench, tmp_path / "src", files))
    clones = _rules(report)["Q-CLONE"]
    assert len(clones) == 1
    (c,) = clones
    assert c.path == "a/report.py" and c.start_line == 1 and c.end_line == 10
    assert "a/report.py:1-10" in c.message and "b/billing.py:1-10" in c.message
    assert c.metrics["tokens"] >= 50 and c.metrics["other_start_line"] == 1
    # a real clone is not reported when the window is longer than the block
    big = analyze_quality(bench.db, "q", QualityThresholds(min_clone_tokens=500))
    assert "Q-CLONE" not in _rules(big)


def test_dead_code_candidates(bench: Workbench, tmp_path: Path) -> None:
    files = {
        "pkg/lib.py": (
            "def used():\n    return 1\n\n\ndef unused_helper():\n    return 2\n\n\n"
            "class Base:\n    def render(self):\n        return used()\n\n    def __repr__(self):\n"
            "        return 'B'\n\n\nclass Child(Base):\n    def render(self):\n        return 3\n"
        ),
        "pkg/app.py": "from pkg.lib import Child\n\n\ndef main():\n    print(Child().render())\n",
        "tests/test_lib.py": "def test_nothing():\n    assert True\n",
    }
    report = analyze_quality(bench.db, _index(bench, tmp_path / "src", files))
    dead = _rules(report)["Q-DEAD-CODE"]
    assert [(f.symbol, f.path, f.start_line) for f in dead] == [("unused_helper", "pkg/lib.py", 5)]
    assert dead[0].confidence == "low" and "best effort" in dead[0].message.lower()


def test_bad_and_unsupported_files_are_recorded_and_the_rest_analysed(
    bench: Workbench, tmp_path: Path
) -> None:
    files = {
        "ok.py": CLASSIFY,
        "broken.py": "def broken(:\n    pass\n",
        "deploy.sh": "#!/bin/bash\nf() { echo hi; }\nf\n",
    }
    report = analyze_quality(bench.db, _index(bench, tmp_path / "src", files))
    assert [p for p, _ in report.errors] == ["broken.py"]
    assert "syntax error" in report.errors[0][1]
    assert [p for p, _ in report.skipped] == ["deploy.sh"]
    assert [f.qualname for f in report.functions] == ["classify"]
    assert [m.path for m in report.modules] == ["ok.py"]


def test_maintainability_index_formula() -> None:
    assert maintainability_index(0, 0, 0) == 100.0
    # (171 - 5.2 ln 1000 - 0.23*10 - 16.2 ln 100) * 100 / 171
    assert maintainability_index(1000, 10, 100) == pytest.approx(34.02, abs=0.01)
    assert maintainability_index(1e12, 500, 100000) == 0.0
