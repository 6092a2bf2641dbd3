"""The outside rule-test benchmark (``benchmarks/_security_rule_tests.py``): labels are
read from semgrep's ``ruleid`` / ``ok`` annotations with the rule's ``cwe_id``, a label's
block runs to the next annotation, and only a finding of the family in the block counts;
the committed labels file is the one the figures in docs/benchmarks.md were scored on."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

BENCH = Path(__file__).resolve().parents[2] / "benchmarks" / "_security_rule_tests.py"


def _module() -> ModuleType:
    sys.path.insert(0, str(BENCH.parent))
    spec = importlib.util.spec_from_file_location("security_rule_tests_under_test", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_labels_and_blocks_come_from_the_annotations(tmp_path: Path) -> None:
    rt = _module()
    rules = tmp_path / rt.RULE_DIR / "python"
    rules.mkdir(parents=True)
    (rules / "eval_use.yaml").write_text(
        "rules:\n- id: insecure-eval-use\n  metadata:\n    cwe_id: CWE-94\n", encoding="utf-8"
    )
    (rules / "eval_use.py").write_text(
        "def test(var):\n"
        "    # ruleid: insecure-eval-use\n"
        "    code = var\n"
        "    eval(code)\n"
        "    # ok: insecure-eval-use\n"
        "    eval('1')\n",
        encoding="utf-8",
    )
    labels = rt.extract_labels(tmp_path)
    assert [(lb["line"], lb["vulnerable"], lb["cwe"], lb["category"]) for lb in labels] == [
        (3, True, "CWE-94", "codeinj"),
        (6, False, "CWE-94", "codeinj"),
    ]
    blocks = rt.blocks(tmp_path, labels)
    assert [blocks[lb["id"]] for lb in labels] == [(3, 4), (6, 6)]
    vul, safe = labels
    eval_at_4 = [("CWE-95", "medium", 4, 4)]
    assert rt.flagged(vul, blocks[vul["id"]], eval_at_4, 2)
    assert not rt.flagged(vul, blocks[vul["id"]], [("CWE-95", "low", 4, 4)], 2)
    assert not rt.flagged(vul, blocks[vul["id"]], [("CWE-78", "high", 4, 4)], 2)
    assert not rt.flagged(safe, blocks[safe["id"]], eval_at_4, 2)


def test_committed_labels_file_is_complete() -> None:
    rt = _module()
    labels = json.loads(rt.LABELS.read_text(encoding="utf-8"))["labels"]
    assert len(labels) == 119
    assert {lb["language"] for lb in labels} == {"python", "js"}
    assert all(lb["cwe"].startswith("CWE-") and lb["split"] in ("tune", "heldout") for lb in labels)
    assert sum(lb["language"] == "python" and lb["vulnerable"] for lb in labels) == 21
