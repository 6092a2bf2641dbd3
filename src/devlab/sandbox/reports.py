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


# Literal words only: a scan for them is linear (no quantifier can backtrack).
_DIRECTIVE_WORD = re.compile(r"skip|todo", re.IGNORECASE)


def _tap_directive(rest: str) -> tuple[str, str | None]:
    """Split ``name  # SKIP reason`` into (name, "SKIP"); linear in ``len(rest)``.

    The first SKIP/TODO word that is preceded by ``#`` (after optional
    whitespace), itself preceded by whitespace, starts the directive.
    """
    for found in _DIRECTIVE_WORD.finditer(rest):
        after = rest[found.end() : found.end() + 1]
        if after.isalnum() or after == "_":
            continue
        k = found.start() - 1
        while k >= 0 and rest[k].isspace():
            k -= 1
        if k >= 1 and rest[k] == "#" and rest[k - 1].isspace():
            return rest[:k].rstrip(), found.group().upper()
    return rest, None


def _tap_line(line: str) -> tuple[int, bool, str, str | None] | None:
    """(indent, ok, name, directive) of a TAP test line, or None for any other line."""
    body = line.lstrip()
    indent = len(line) - len(body)
    head = body[:7].lower()
    if head.startswith("not ok "):
        ok, rest = False, body[7:]
    elif head.startswith("ok "):
        ok, rest = True, body[3:]
    else:
        return None
    digits = len(rest) - len(rest.lstrip("0123456789"))  # C speed, linear
    if not digits or rest[digits : digits + 3] != " - ":
        return None
    name, directive = _tap_directive(rest[digits + 3 :])
    return indent, ok, name, directive


def _yaml_key(line: str) -> bool:
    """``word:`` at the start of a (stripped) YAML line."""
    head = line.split(":", 1)[0] if ":" in line else ""
    return bool(head) and all(ch.isalnum() or ch == "_" for ch in head)


def _tap_error(block: list[str]) -> str:
    """The ``error:`` value of a failed test's YAML block (one line or a ``|-`` block)."""
    for i, line in enumerate(block):
        at = line.find("error:")
        if at == -1:
            continue
        value = line[at + len("error:") :].strip()
        if value not in ("", "|", "|-"):
            return value
        taken = []
        for follow in block[i + 1 :]:
            if _yaml_key(follow):
                break
            taken.append(follow)
        return "\n".join(taken)
    return "\n".join(block)


def parse_tap(tap: str) -> list[TestCaseResult]:
    """node:test TAP: leaf tests only (a suite's line follows its children, deeper).

    The report is untrusted (a test's name is the program's to choose), so
    every line is parsed by a linear scan; no regex ever sees it.
    """
    entries: list[tuple[int, str, bool, str | None, list[str]]] = []
    yaml: list[str] | None = None
    for line in tap.splitlines():
        parsed = _tap_line(line)
        if parsed is not None:
            indent, ok, name, directive = parsed
            yaml = []
            entries.append((indent, name, ok, directive, yaml))
        elif yaml is not None and line.strip() not in ("---", "..."):
            yaml.append(line.strip())
    results = []
    for i, (indent, name, ok, directive, block) in enumerate(entries):
        if i > 0 and entries[i - 1][0] > indent:
            continue  # a suite: its children were reported above it
        if directive:
            results.append(TestCaseResult(name=_clip(name), outcome="skipped"))
            continue
        message = "" if ok else _tap_error(block).strip().strip("'\"")
        results.append(
            TestCaseResult(
                name=_clip(name), outcome="passed" if ok else "failed", message=_clip(message)
            )
        )
    return results


_GO_OUTCOMES = {"PASS": "passed", "FAIL": "failed", "SKIP": "skipped"}


def _go_run(line: str) -> str | None:
    """The test name of ``=== RUN|CONT|PAUSE name`` (a linear scan, no regex)."""
    if not line.startswith("=== "):
        return None
    verb, _, rest = line[4:].partition(" ")
    if verb not in ("RUN", "CONT", "PAUSE"):
        return None
    parts = rest.split(None, 1)
    return parts[0] if parts else None


def _go_result(line: str) -> tuple[str, str] | None:
    """(outcome word, name) of ``--- PASS|FAIL|SKIP: name (0.00s)``."""
    body = line.lstrip()
    if not body.startswith("--- "):
        return None
    word, sep, rest = body[4:].partition(": ")
    if not sep or word not in _GO_OUTCOMES:
        return None
    parts = rest.split(None, 1)
    return (word, parts[0]) if parts and not rest[:1].isspace() else None


def parse_go_verbose(output: str) -> list[TestCaseResult]:
    """A Go test binary's ``-test.v`` output (what test2json turns into JSON)."""
    logs: dict[str, list[str]] = {}
    current: str | None = None
    results = []
    for line in output.splitlines():
        run = _go_run(line)
        if run is not None:
            current = run
            logs.setdefault(current, [])
            continue
        done = _go_result(line)
        if done:
            word, name = done
            message = "\n".join(logs.get(name, [])) if word != "PASS" else ""
            results.append(
                TestCaseResult(name=_clip(name), outcome=_GO_OUTCOMES[word], message=_clip(message))
            )
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
