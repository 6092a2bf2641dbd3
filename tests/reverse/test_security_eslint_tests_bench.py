"""The outside eslint-plugin benchmark (``benchmarks/_security_eslint_tests.py``): cases are
read by running a RuleTester file under node with ``eslint`` replaced by a recorder; the
labelling rule keeps in-scope rules, drops cases with options and presence-only invalid
cases; a category without one kind of case has no score and is left out of the average."""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

BENCH = Path(__file__).resolve().parents[2] / "benchmarks" / "_security_eslint_tests.py"


def _module() -> ModuleType:
    sys.path.insert(0, str(BENCH.parent))
    spec = importlib.util.spec_from_file_location("security_eslint_tests_under_test", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_node_records_every_runs_cases(tmp_path: Path) -> None:
    et = _module()
    test = tmp_path / "detect-child-process.js"
    test.write_text(
        "const RuleTester = require('eslint').RuleTester;\n"
        "const rule = require('../rules/missing');\n"
        "const t = new RuleTester();\n"
        "const shared = 'exec(x)';\n"
        "t.run('r', rule, { valid: ['exec(\"ls\")'], invalid: [{ code: shared,"
        " errors: [{ message: 'non literal' }] }] });\n"
        "t.run('r', rule, { valid: [{ code: 'a', options: [1] }], invalid: [] });\n",
        encoding="utf-8",
    )
    done = subprocess.run(
        ["node", "-e", et.EXTRACT_JS, str(test)], capture_output=True, text=True, check=True
    )
    cases = json.loads(done.stdout)
    got = [(c["run"], c["kind"], c["code"], c["options"], c["errors"]) for c in cases]
    assert got == [
        (1, "valid", 'exec("ls")', False, []),
        (1, "invalid", "exec(x)", False, ["non literal"]),
        (2, "valid", "a", True, []),
    ]


def test_labelling_rule() -> None:
    et = _module()
    base = {"package": "eslint-plugin-security", "stem": "detect-child-process", "code": "x"}

    def case(kind: str, errors: list[str], options: bool = False, **kw: str) -> dict:
        return {**base, "id": f"id-{kind}-{len(errors)}-{options}", "kind": kind,
                "errors": errors, "options": options, **kw}  # fmt: skip

    vul = et.label(case("invalid", ["Found child_process.exec() with non Literal"]))
    assert vul is not None and vul["vulnerable"] and vul["category"] == "cmdi"
    safe = et.label(case("valid", []))
    assert safe is not None and not safe["vulnerable"]
    assert et.label(case("invalid", ['Found require("child_process")'])) is None
    assert et.label(case("valid", [], options=True)) is None
    assert et.label(case("invalid", ["x"], stem="detect-unsafe-regex")) is None


def test_score_leaves_one_kind_categories_out_of_the_average() -> None:
    et = _module()
    labels = [
        {"id": "a", "category": "cmdi", "vulnerable": True},
        {"id": "b", "category": "cmdi", "vulnerable": False},
        {"id": "c", "category": "tls", "vulnerable": True},
    ]
    per = et.score(labels, {"a": True, "b": False, "c": False})
    assert per["cmdi"]["score"] == 100.0
    assert per["tls"]["tpr"] == 0.0 and per["tls"]["fpr"] is None and per["tls"]["score"] is None
    avg = et.average(per)
    assert avg["score"] == 100.0 and avg["categories"] == 1


def test_committed_labels_file_is_complete() -> None:
    et = _module()
    doc = json.loads(et.LABELS.read_text(encoding="utf-8"))
    assert len(doc["labels"]) == 210 and doc["cases_read"] == 604
    assert len({lb["id"] for lb in doc["labels"]}) == 210
