"""SARIF 2.1.0 export: required structure, levels, CWE tags, fingerprints, code flows."""

from __future__ import annotations

import json

from devlab.reverse.models import Finding, TaintStep
from devlab.reverse.sarif import sarif_level, to_sarif

SQLI = Finding(
    rule_id="DL-PY-SQLI",
    category="security",
    title="SQL built from request data",
    message="request.args['id'] reaches cursor.execute without parameters",
    severity="high",
    confidence="high",
    cwe="CWE-89",
    path="shop/db.py",
    start_line=12,
    end_line=13,
    snippet='cur.execute("SELECT * FROM t WHERE id=" + uid)',
    symbol="get_item",
    fix="use a parameterised query",
    taint_path=[
        TaintStep(line=10, code="uid = request.args['id']", note="source: request.args"),
        TaintStep(line=12, code='cur.execute("..." + uid)', note="sink"),
    ],
)
LONG_FN = Finding(
    rule_id="Q-LONG-FN",
    category="quality",
    title="Long function",
    message="120 lines",
    severity="low",
    confidence="high",
    path="shop/cart.py",
    start_line=1,
    end_line=120,
)
DEP = Finding(
    rule_id="DL-DEP-VULN",
    category="dependency",
    title="lodash 4.17.20 is affected",
    message="GHSA-35jh-r3h4-6jhm",
    severity="medium",
    confidence="high",
    cwe="CWE-1395",
    path="web/package-lock.json",
    start_line=7,
    end_line=7,
    snippet="lodash 4.17.20",
)


def check_sarif_shape(log: dict) -> None:
    """A hand-written check of the keys SARIF 2.1.0 requires (and that we promise)."""
    assert log["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json"
    assert log["version"] == "2.1.0"
    assert isinstance(log["runs"], list) and log["runs"]
    for run in log["runs"]:
        driver = run["tool"]["driver"]
        assert isinstance(driver["name"], str) and driver["name"]
        ids = [r["id"] for r in driver["rules"]]
        assert len(ids) == len(set(ids))
        for rule in driver["rules"]:
            assert rule["shortDescription"]["text"]
            assert rule["defaultConfiguration"]["level"] in {"error", "warning", "note", "none"}
            assert isinstance(rule["properties"]["tags"], list)
        for res in run["results"]:
            assert res["message"]["text"]
            assert driver["rules"][res["ruleIndex"]]["id"] == res["ruleId"]
            assert res["level"] in {"error", "warning", "note", "none"}
            for loc in res["locations"]:
                phys = loc["physicalLocation"]
                assert not phys["artifactLocation"]["uri"].startswith("/")
                region = phys["region"]
                assert 1 <= region["startLine"] <= region["endLine"]
            for flow in res.get("codeFlows", []):
                for thread in flow["threadFlows"]:
                    assert thread["locations"]
                    for step in thread["locations"]:
                        assert step["location"]["physicalLocation"]["region"]["startLine"] >= 1
    json.dumps(log)  # serialisable


def test_sarif_structure_rules_and_results() -> None:
    log = to_sarif(
        [SQLI, LONG_FN, DEP, SQLI.model_copy(update={"start_line": 40, "end_line": 40})],
        version="1.2.3",
    )
    check_sarif_shape(log)
    run = log["runs"][0]
    assert run["tool"]["driver"]["version"] == "1.2.3"
    rules = {r["id"]: r for r in run["tool"]["driver"]["rules"]}
    assert list(rules) == ["DL-PY-SQLI", "Q-LONG-FN", "DL-DEP-VULN"]
    assert "CWE-89" in rules["DL-PY-SQLI"]["properties"]["tags"]
    assert "security" in rules["DL-PY-SQLI"]["properties"]["tags"]
    assert rules["Q-LONG-FN"]["properties"]["tags"] == ["quality"]
    assert "CWE-1395" in rules["DL-DEP-VULN"]["properties"]["tags"]
    assert rules["DL-PY-SQLI"]["helpUri"].endswith("/89.html")
    results = run["results"]
    assert [r["ruleIndex"] for r in results] == [0, 1, 2, 0]
    assert [r["level"] for r in results] == ["error", "note", "warning", "error"]
    first = results[0]
    assert first["partialFingerprints"] == {"devlabFingerprint/v1": SQLI.fingerprint}
    assert first["properties"] == {
        "confidence": "high",
        "severity": "high",
        "category": "security",
        "cwe": "CWE-89",
        "fix": "use a parameterised query",
    }
    region = first["locations"][0]["physicalLocation"]["region"]
    assert region == {"startLine": 12, "endLine": 13, "snippet": {"text": SQLI.snippet}}
    assert first["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "shop/db.py"
    # Same code moved down: same fingerprint.
    assert results[3]["partialFingerprints"] == first["partialFingerprints"]


def test_code_flows_follow_the_taint_path() -> None:
    res = to_sarif([SQLI, LONG_FN])["runs"][0]["results"]
    steps = res[0]["codeFlows"][0]["threadFlows"][0]["locations"]
    assert [s["location"]["physicalLocation"]["region"]["startLine"] for s in steps] == [10, 12]
    assert steps[0]["location"]["message"]["text"] == "source: request.args"
    assert "codeFlows" not in res[1]


def test_levels_and_empty_run() -> None:
    assert [sarif_level(s) for s in ("critical", "high", "medium", "low", "info")] == [
        "error",
        "error",
        "warning",
        "note",
        "note",
    ]
    log = to_sarif([], tool_name="DevLab")
    check_sarif_shape(log)
    assert log["runs"][0]["results"] == [] and log["runs"][0]["tool"]["driver"]["rules"] == []
