"""SARIF 2.1.0 export of findings, so other tools can load and score them.

One rule per ``rule_id`` (with the CWE and the category in ``properties.tags``),
one result per finding, the finding's fingerprint as a partial fingerprint and
its taint path as a code flow. CWEs are also a SARIF taxonomy: the run carries a
``CWE`` taxonomy with one taxon per CWE used, each result references its finding's
(most specific) CWE in ``taxa``, and each rule its CWEs in ``relationships``.
"""

from __future__ import annotations

from typing import Any

from devlab.reverse.models import SEVERITY_ORDER, Finding

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_VERSION = "2.1.0"
CWE_NAMES = {
    "22": "Path Traversal",
    "78": "OS Command Injection",
    "79": "Cross-site Scripting",
    "89": "SQL Injection",
    "90": "LDAP Injection",
    "94": "Code Injection",
    "95": "Eval Injection",
    "295": "Improper Certificate Validation",
    "319": "Cleartext Transmission of Sensitive Information",
    "327": "Broken or Risky Cryptographic Algorithm",
    "328": "Use of Weak Hash",
    "330": "Use of Insufficiently Random Values",
    "489": "Active Debug Code",
    "501": "Trust Boundary Violation",
    "502": "Deserialization of Untrusted Data",
    "601": "Open Redirect",
    "611": "XML External Entity Reference",
    "614": "Sensitive Cookie Without 'Secure'",
    "643": "XPath Injection",
    "798": "Use of Hard-coded Credentials",
    "918": "Server-Side Request Forgery",
    "940": "Improper Verification of Source of a Communication Channel",
    "1004": "Sensitive Cookie Without 'HttpOnly'",
    "1336": "Server-Side Template Injection",
}


def _taxon_ref(cwe_id: str, index: int) -> dict[str, Any]:
    return {"id": cwe_id, "index": index, "toolComponent": {"name": "CWE", "index": 0}}


def sarif_level(severity: str) -> str:
    """critical/high -> error, medium -> warning, low/info -> note."""
    rank = SEVERITY_ORDER.get(severity, 0)
    if rank >= SEVERITY_ORDER["high"]:
        return "error"
    if rank == SEVERITY_ORDER["medium"]:
        return "warning"
    return "note"


def _security_severity(severity: str) -> str:
    return {"critical": "9.5", "high": "8.0", "medium": "5.5", "low": "3.0"}.get(severity, "0.0")


def _region(start: int, end: int, snippet: str = "") -> dict[str, Any]:
    region: dict[str, Any] = {"startLine": max(start, 1), "endLine": max(end, start, 1)}
    if snippet:
        region["snippet"] = {"text": snippet}
    return region


def _location(f: Finding) -> dict[str, Any]:
    return {
        "physicalLocation": {
            "artifactLocation": {"uri": f.path.lstrip("/"), "uriBaseId": "%SRCROOT%"},
            "region": _region(f.start_line, f.end_line, f.snippet),
        }
    }


def _rule(f: Finding) -> dict[str, Any]:
    tags: list[str] = [f.category]
    if f.cwe:
        tags.append(f.cwe)
    if f.category == "security" or f.category == "dependency":
        tags.append("security")
    rule: dict[str, Any] = {
        "id": f.rule_id,
        "name": f.rule_id.replace("-", ""),
        "shortDescription": {"text": f.title},
        "fullDescription": {"text": f.title + (f" ({f.cwe})" if f.cwe else "")},
        "defaultConfiguration": {"level": sarif_level(f.severity)},
        "properties": {"tags": sorted(set(tags), key=tags.index), "precision": f.confidence},
    }
    if f.cwe and f.cwe.startswith("CWE-"):
        rule["helpUri"] = f"https://cwe.mitre.org/data/definitions/{f.cwe[4:]}.html"
    if f.category in {"security", "dependency"}:
        rule["properties"]["security-severity"] = _security_severity(f.severity)
    return rule


def _code_flow(f: Finding) -> dict[str, Any]:
    steps = []
    for step in f.taint_path:
        loc: dict[str, Any] = {
            "physicalLocation": {
                "artifactLocation": {"uri": f.path.lstrip("/"), "uriBaseId": "%SRCROOT%"},
                "region": _region(step.line, step.line, step.code),
            }
        }
        if step.note:
            loc["message"] = {"text": step.note}
        steps.append({"location": loc})
    return {"threadFlows": [{"locations": steps}]}


def _result(
    f: Finding, rule_index: int, cwe_id: str | None, taxa: dict[str, int]
) -> dict[str, Any]:
    """The SARIF result of one finding (``taxa``: CWE id -> index in the taxonomy)."""
    result: dict[str, Any] = {
        "ruleId": f.rule_id,
        "ruleIndex": rule_index,
        "level": sarif_level(f.severity),
        "message": {"text": f.message or f.title},
        "locations": [_location(f)],
        "partialFingerprints": {"devlabFingerprint/v1": f.fingerprint},
        "properties": {
            "confidence": f.confidence,
            "severity": f.severity,
            "category": f.category,
        },
    }
    if f.cwe:
        result["properties"]["cwe"] = f.cwe
    if cwe_id is not None:
        result["taxa"] = [_taxon_ref(cwe_id, taxa[cwe_id])]
    if f.fix:
        result["properties"]["fix"] = f.fix
    if f.symbol:
        result["locations"][0]["logicalLocations"] = [{"name": f.symbol}]
    if f.taint_path:
        result["codeFlows"] = [_code_flow(f)]
    return result


def to_sarif(
    findings: list[Finding], tool_name: str = "DevLab", version: str | None = None
) -> dict[str, Any]:
    """A SARIF 2.1.0 log (a JSON-ready dict) with one run holding ``findings``."""
    if version is None:
        try:
            from importlib.metadata import version as _pkg_version

            version = _pkg_version("devlab")
        except Exception:
            version = "0"
    rules: list[dict[str, Any]] = []
    index: dict[str, int] = {}
    taxa: dict[str, int] = {}
    results = []
    for f in findings:
        if f.rule_id not in index:
            index[f.rule_id] = len(rules)
            rules.append(_rule(f))
        cwe_id = f.cwe[4:] if f.cwe and f.cwe.startswith("CWE-") else None
        if cwe_id is not None:
            t = taxa.setdefault(cwe_id, len(taxa))
            rel = rules[index[f.rule_id]].setdefault("relationships", [])
            if not any(r["target"]["id"] == cwe_id for r in rel):
                rel.append({"target": _taxon_ref(cwe_id, t), "kinds": ["relevant"]})
        results.append(_result(f, index[f.rule_id], cwe_id, taxa))
    return {
        "$schema": SARIF_SCHEMA,
        "version": SARIF_VERSION,
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": tool_name,
                        "version": version,
                        "rules": rules,
                    }
                },
                "results": results,
                "columnKind": "unicodeCodePoints",
                "taxonomies": [
                    {
                        "name": "CWE",
                        "organization": "MITRE",
                        "shortDescription": {"text": "The MITRE Common Weakness Enumeration"},
                        "taxa": [
                            {
                                "id": cwe_id,
                                "name": CWE_NAMES.get(cwe_id, f"CWE-{cwe_id}"),
                                "helpUri": f"https://cwe.mitre.org/data/definitions/{cwe_id}.html",
                            }
                            for cwe_id in taxa
                        ],
                    }
                ],
            }
        ],
    }


__all__ = ["SARIF_SCHEMA", "SARIF_VERSION", "sarif_level", "to_sarif"]
