"""Per-test results from each runner's report: JUnit XML, TAP and Go's verbose output.

Reports come from untrusted code (a test can write anything to the report
channel), so parsing is lenient and bounded: a broken report yields no tests,
never an exception, and XML with a DTD is refused (no entity expansion).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from devlab.sandbox.models import TestCaseResult

_MAX_MESSAGE = 2000


def _clip(text: str) -> str:
    text = text.strip()
    return text if len(text) <= _MAX_MESSAGE else text[:_MAX_MESSAGE] + "..."


def parse_junit(xml: str) -> list[TestCaseResult]:
    """JUnit XML (pytest --junitxml, the JUnit 5 console launcher's --reports-dir)."""
    if not xml.strip() or "<!DOCTYPE" in xml or "<!ENTITY" in xml:
        return []
    try:
        root = ET.fromstring(xml)
    except ET.ParseError:
        return []
    results = []
    for case in root.iter("testcase"):
        name = case.get("name", "?")
        classname = case.get("classname", "")
        if name.endswith("()"):
            name = name[:-2]
        full = f"{classname}::{name}" if classname else name
        outcome, message = "passed", ""
        for tag, label in (("failure", "failed"), ("error", "error"), ("skipped", "skipped")):
            node = case.find(tag)
            if node is not None:
                outcome = label
                message = node.get("message") or (node.text or "")
                break
        results.append(TestCaseResult(name=full, outcome=outcome, message=_clip(message)))
    return results


_TAP_LINE = re.compile(r"^(\s*)(not ok|ok) \d+ - (.*?)(?:\s+#\s*(SKIP|TODO)\b.*)?$", re.I)


def parse_tap(tap: str) -> list[TestCaseResult]:
    """node:test TAP: leaf tests only (a suite's line follows its children, deeper)."""
    entries: list[tuple[int, str, bool, str | None, list[str]]] = []
    yaml: list[str] | None = None
    for line in tap.splitlines():
        match = _TAP_LINE.match(line)
        if match:
            indent, status, name, directive = match.groups()
            yaml = []
            entries.append((len(indent), name, status.lower() == "ok", directive, yaml))
        elif yaml is not None and line.strip() not in ("---", "..."):
            yaml.append(line.strip())
    results = []
    for i, (indent, name, ok, directive, block) in enumerate(entries):
        if i > 0 and entries[i - 1][0] > indent:
            continue  # a suite: its children were reported above it
        if directive:
            results.append(TestCaseResult(name=name, outcome="skipped"))
            continue
        message = ""
        if not ok:
            text = "\n".join(block)
            found = re.search(r"error:\s*(?:\|-?\n)?(.*?)(?:\n\w+:|\Z)", text, re.S)
            message = (found.group(1) if found else text).strip().strip("'\"")
        results.append(
            TestCaseResult(name=name, outcome="passed" if ok else "failed", message=_clip(message))
        )
    return results


_GO_RESULT = re.compile(r"^\s*--- (PASS|FAIL|SKIP): (\S+)")
_GO_RUN = re.compile(r"^=== (?:RUN|CONT|PAUSE)\s+(\S+)")


def parse_go_verbose(output: str) -> list[TestCaseResult]:
    """A Go test binary's ``-test.v`` output (what test2json turns into JSON)."""
    outcome = {"PASS": "passed", "FAIL": "failed", "SKIP": "skipped"}
    logs: dict[str, list[str]] = {}
    current: str | None = None
    results = []
    for line in output.splitlines():
        run = _GO_RUN.match(line)
        if run:
            current = run.group(1)
            logs.setdefault(current, [])
            continue
        done = _GO_RESULT.match(line)
        if done:
            name = done.group(2)
            message = "\n".join(logs.get(name, [])) if done.group(1) != "PASS" else ""
            results.append(TestCaseResult(name=name, outcome=outcome[done.group(1)],
                                          message=_clip(message)))
            current = None
            continue
        if current is not None and line.startswith("    "):
            logs[current].append(line.strip())
    return results


def parse_report(kind: str | None, report: str, stdout: str) -> list[TestCaseResult]:
    if kind == "junit":
        return parse_junit(report)
    if kind == "tap":
        return parse_tap(report)
    if kind == "gotest":
        return parse_go_verbose(stdout)
    return []


__all__ = ["parse_go_verbose", "parse_junit", "parse_report", "parse_tap"]
