"""Examples that need the whole project (built in the main process): code -> tests from
the test links, bug-fix validation jobs, and the git-history kinds."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from typing import Any

from devlab.training.datasets.annotate import (
    category_of,
    count_tokens,
    file_categories,
    file_flags,
    quality_of,
)
from devlab.training.datasets.extract import ExampleFactory
from devlab.training.datasets.history import Commit
from devlab.training.datasets.inputs import ProjectInputs, module_name, relative_module
from devlab.training.datasets.linking import TestLink, TestLinks
from devlab.training.datasets.privacy import redact
from devlab.training.datasets.validate import ValidationJob, ValidationResult
from devlab.training.datasets.worker import UnitMeta

__all__ = [
    "TASK_KINDS",
    "apply_validation",
    "attach_tests",
    "bugfix_jobs",
    "code_to_tests",
    "history_examples",
    "python_closure",
    "python_tests",
    "refactor_jobs",
    "splice",
]

MAX_TEST_LINES = 300
_BRANCH = re.compile(r"\b(if|elif|for|while|case|catch|except)\b|&&|\|\|")


def _base(meta: UnitMeta) -> dict[str, Any]:
    return {
        "split": None,
        "language": meta.language,
        "category": meta.category,
        "source_path": meta.path,
        "symbol": meta.qualname,
        "complexity": meta.complexity,
        "quality": meta.quality,
        "quality_flags": list(meta.quality_flags),
        "provenance": {
            "project": meta.project,
            "snapshot_id": meta.snapshot_id,
            "path": meta.path,
            "commit": meta.commit,
            "licence": meta.licence,
            "start_line": meta.start_line,
            "end_line": meta.end_line,
            "transforms": [],
        },
    }


def code_to_tests(units: list[UnitMeta], links: TestLinks) -> list[dict[str, Any]]:
    """One example per linked function: its code -> the code of its tests."""
    found = []
    for meta in units:
        test_ids = links.by_unit.get(meta.id)
        if not test_ids:
            continue
        tests: list[str] = []
        lines = 0
        for test_id in test_ids:
            code = links.tests[test_id].code
            if lines + code.count("\n") > MAX_TEST_LINES and tests:
                break
            tests.append(code.rstrip("\n") + "\n")
            lines += code.count("\n")
        joined = "\n\n".join(tests)
        fac = ExampleFactory(
            unit_id=meta.id,
            group=f"{meta.project}\x00{meta.path}",
            base=_base(meta),
            unit_kind=meta.kind,
            name=meta.name,
            docstring="",
            context="",
        )
        fields = {"code": meta.code, "tests": joined}
        found.append(
            fac.emit(
                "code-to-tests",
                (),
                meta.code,
                joined,
                "code-to-tests",
                fields,
                validation=f"linked tests: {', '.join(test_ids)}",
            )
        )
    return found


def python_closure(paths: list[str], inputs: ProjectInputs) -> list[str]:
    """``paths`` and the project's Python files they import, transitively, with the
    ``__init__.py`` and ``conftest.py`` files of every package on the way (whose own
    imports are followed too: a package ``__init__`` that imports its submodules needs
    them to import at all). At most 300 files."""
    by_module = {module_name(p): p for p in inputs.texts if p.endswith(".py")}
    seen: set[str] = set()
    todo: list[str] = []

    def add(path: str) -> None:
        if path in inputs.texts and path not in seen:
            seen.add(path)
            todo.append(path)

    for path in paths:
        add(path)
    while todo and len(seen) < 300:
        path = todo.pop(0)
        parts = path.split("/")[:-1]
        for i in range(len(parts) + 1):
            folder = "/".join(parts[:i])
            for name in ("__init__.py", "conftest.py"):
                add(f"{folder}/{name}" if folder else name)
        for module, names in inputs.imports.get(path, []):
            full = relative_module(path, module) if module.startswith(".") else module
            for candidate in (full, *(f"{full}.{n}" for n in names)):
                target = by_module.get(candidate)
                if target is not None:
                    add(target)
    return sorted(seen)


def splice(text: str, start_line: int, end_line: int, unit: str) -> str:
    """``text`` with its lines ``start_line..end_line`` (1-based) replaced by ``unit``."""
    lines = text.splitlines(keepends=True)
    return "".join(lines[: start_line - 1]) + unit + "".join(lines[end_line:])


def _node_id(path: str, qualname: str | None) -> str:
    return path if qualname is None else f"{path}::{qualname.replace('.', '::')}"


def python_tests(links: TestLinks, unit_id: str) -> list[TestLink]:
    """The Python test functions linked to a unit (whole-file JS links excluded)."""
    return [
        links.tests[t]
        for t in links.by_unit.get(unit_id, [])
        if links.tests[t].language == "python" and links.tests[t].qualname
    ]


# Kinds whose held-out examples become executable tasks in evaluation (generate the body /
# repair the mutant, then run the function's own tests).
TASK_KINDS = frozenset({"doc-to-code", "bug-fix"})


def attach_tests(examples: list[dict[str, Any]], links: TestLinks) -> int:
    """Record on each Python doc-to-code and bug-fix example the pytest node ids of its
    function's tests (``tests``), so that evaluation can run them; returns how many
    examples got tests."""
    count = 0
    for example in examples:
        if example["kind"] not in TASK_KINDS or example["language"] != "python":
            continue
        tests = python_tests(links, example.get("_unit", ""))
        if tests:
            example["tests"] = [_node_id(t.path, t.qualname) for t in tests]
            count += 1
    return count


def bugfix_jobs(
    examples: list[dict[str, Any]],
    units: dict[str, UnitMeta],
    links: TestLinks,
    inputs: dict[str, ProjectInputs],
    *,
    limit: int,
    max_bytes: int,
    redact_emails: bool,
    redact_ips: bool,
) -> tuple[list[ValidationJob], dict[str, list[dict[str, Any]]], Counter[str]]:
    """Sandbox jobs for the bug-fix pairs of Python functions with Python tests (at most
    ``limit`` functions); returns the jobs, the pairs of each job, and skip reasons."""
    pairs: dict[str, list[dict[str, Any]]] = {}
    for example in examples:
        if example["kind"] == "bug-fix" and example["language"] == "python":
            pairs.setdefault(example["_unit"], []).append(example)
    jobs: list[ValidationJob] = []
    chosen: dict[str, list[dict[str, Any]]] = {}
    skipped: Counter[str] = Counter()
    for unit_id in sorted(pairs):
        meta = units.get(unit_id)
        tests = python_tests(links, unit_id)
        if meta is None or not tests:
            skipped["no linked Python tests"] += len(pairs[unit_id])
            continue
        if len(jobs) >= limit:
            skipped["over max_validations"] += len(pairs[unit_id])
            continue
        project = inputs[meta.project]
        paths = python_closure([meta.path, *(t.path for t in tests)], project)
        texts = {
            p: redact(project.texts[p], emails=redact_emails, ips=redact_ips)[0] for p in paths
        }
        original = texts[meta.path]
        variants = [("original", {meta.path: original})]  # first: the reference
        variants += [
            (e["id"], {meta.path: splice(original, meta.start_line, meta.end_line, e["prompt"])})
            for e in pairs[unit_id]
        ]
        size = sum(len(t.encode()) for t in texts.values()) + sum(
            len(f[meta.path].encode()) for _, f in variants
        )
        if size > max_bytes:
            skipped["project files too large for the sandbox"] += len(pairs[unit_id])
            continue
        search = ["."] + (["src"] if any(p.startswith("src/") for p in paths) else [])
        jobs.append(
            ValidationJob(
                unit_id, texts, variants, [_node_id(t.path, t.qualname) for t in tests], search
            )
        )
        chosen[unit_id] = pairs[unit_id]
    return jobs, chosen, skipped


def apply_validation(
    results: list[ValidationResult], chosen: dict[str, list[dict[str, Any]]], kind: str
) -> Counter[str]:
    """Mark the pairs of each finished job: validated True/False with the reason."""
    tally: Counter[str] = Counter()
    for result in results:
        for example in chosen.get(result.key, []):
            if result.error:
                example["validation"] = f"not validated: {result.error[:200]}"
                tally["sandbox error"] += 1
                continue
            original = result.outcomes.get("original" if kind == "bug-fix" else "before")
            own = result.outcomes.get(example["id"] if kind == "bug-fix" else "after")
            if kind == "bug-fix":
                if original != "passed":
                    example["validated"] = False
                    example["validation"] = f"tests {original} on the original: cannot validate"
                    tally["tests fail on the original"] += 1
                elif own in ("failed", "error", "timeout"):
                    example["validated"] = True
                    example["validation"] = f"tests pass on the original and {own} on the mutant"
                    tally["validated"] += 1
                else:
                    example["validated"] = False
                    example["validation"] = "tests still pass on the mutant"
                    tally["mutant survives"] += 1
            else:
                example["validated"] = original == own == "passed"
                example["validation"] = f"tests {original} before and {own} after the commit"
                tally["validated" if example["validated"] else "tests fail"] += 1
    return tally


def _history_base(
    project: ProjectInputs, path: str, language: str, code: str, sha: str, name: str
) -> dict[str, Any]:
    category, _ = category_of(path, name, code[:600], file_categories(path, ""))
    quality, flags = quality_of(
        code, count_tokens(code), 0, parses=True, file_level=file_flags(path, "")
    )
    return {
        "split": None,
        "language": language,
        "category": category,
        "source_path": path,
        "symbol": name or None,
        "complexity": 1 + len(_BRANCH.findall(code)),
        "quality": quality,
        "quality_flags": flags,
        "provenance": {
            "project": project.name,
            "snapshot_id": project.snapshot_id,
            "path": path,
            "commit": sha,
            "licence": None,
            "start_line": None,
            "end_line": None,
            "transforms": [],
        },
    }


def history_examples(
    commits: list[Commit],
    project: ProjectInputs,
    kinds: set[str],
    licences: dict[str, str | None],
    privacy: Counter[str],
    *,
    emails: bool,
    ips: bool,
) -> list[dict[str, Any]]:
    """refactor, diff-to-message and message-to-diff examples of the kept commits."""

    def clean(text: str) -> str:
        out, counts = redact(text, emails=emails, ips=ips)
        privacy.update({k: v for k, v in counts.items() if not k.startswith("secret:")})
        return out

    found: list[dict[str, Any]] = []
    for commit in commits:
        subject, diff = clean(commit.subject), clean(commit.diff)
        first = commit.paths[0]
        language = next((c.language for c in commit.changes), None) or first.rsplit(".", 1)[-1]
        uid = f"{project.name}:commit:{commit.sha}"
        base = _history_base(project, first, language, diff, commit.sha, "")
        base["provenance"]["licence"] = licences.get(first)
        fac = ExampleFactory(
            unit_id=uid,
            group=f"{project.name}\x00{first}",
            base=base,
            unit_kind="commit",
            name="",
            docstring="",
            context="",
        )
        if "diff-to-message" in kinds:
            found.append(
                fac.emit(
                    "diff-to-message",
                    (),
                    diff,
                    subject,
                    "diff-to-message",
                    {"diff": diff, "message": subject},
                )
            )
        before_text = "\n".join(
            f"`{p}` before the change:\n\n```\n{clean(t).rstrip()}\n```"
            for p, t in commit.before.items()
        )
        if "message-to-diff" in kinds and before_text.count("\n") <= 400:
            prompt = f"{subject}\n\n{before_text}"
            found.append(
                fac.emit(
                    "message-to-diff",
                    (),
                    prompt,
                    diff,
                    "message-to-diff",
                    {"message": subject, "before": before_text, "diff": diff},
                )
            )
        if "refactor" in kinds:
            found += _refactor_examples(commit, project, uid, subject, licences, clean)
    return found


def _refactor_examples(
    commit: Commit,
    project: ProjectInputs,
    uid: str,
    subject: str,
    licences: dict[str, str | None],
    clean: Callable[[str], str],
) -> list[dict[str, Any]]:
    """One refactor example per function the commit changed: message and code before
    -> code after."""
    found: list[dict[str, Any]] = []
    for change in commit.changes:
        before, after = clean(change.before), clean(change.after)
        base = _history_base(
            project, change.path, change.language, after, commit.sha, change.qualname
        )
        base["provenance"].update(
            licence=licences.get(change.path),
            start_line=change.start_line,
            end_line=change.end_line,
        )
        fac = ExampleFactory(
            unit_id=f"{uid}:{change.path}:{change.qualname}",
            group=f"{project.name}\x00{change.path}",
            base=base,
            unit_kind=change.kind,
            name=change.qualname,
            docstring="",
            context="",
        )
        found.append(
            fac.emit(
                "refactor",
                (),
                f"{subject}\n\n{before}",
                after,
                "refactor",
                {"message": subject, "before": before, "after": after},
                validation=f"commit {commit.sha[:12]}",
            )
        )
    return found


def refactor_jobs(
    examples: list[dict[str, Any]],
    commits: dict[str, Commit],
    units: dict[tuple[str, str], UnitMeta],
    links: TestLinks,
    project: ProjectInputs,
    files_at: Callable[[str, list[str]], dict[str, str]],
    *,
    limit: int,
    max_bytes: int,
) -> tuple[list[ValidationJob], dict[str, list[dict[str, Any]]]]:
    """Sandbox jobs for refactor pairs of Python functions whose tests are linked now:
    the tests run at the commit against the file before and after."""
    jobs: list[ValidationJob] = []
    chosen: dict[str, list[dict[str, Any]]] = {}
    for example in examples:
        if example["kind"] != "refactor" or example["language"] != "python" or len(jobs) >= limit:
            continue
        sha = example["provenance"]["commit"]
        path, qualname = example["source_path"], example["symbol"]
        meta = units.get((path, qualname))
        commit = commits.get(sha)
        if meta is None or commit is None or path not in commit.before:
            continue
        tests = [
            links.tests[t]
            for t in links.by_unit.get(meta.id, [])
            if links.tests[t].language == "python" and links.tests[t].qualname
        ]
        if not tests:
            continue
        test_paths = sorted({t.path for t in tests})
        paths = python_closure([path, *test_paths], project)
        texts = files_at(sha, paths)
        if path not in texts or not all(t in texts for t in test_paths):
            continue
        variants = [("before", {path: commit.before[path]}), ("after", {path: texts[path]})]
        if sum(len(t.encode()) for t in texts.values()) * 2 > max_bytes:
            continue
        search = ["."] + (["src"] if any(p.startswith("src/") for p in paths) else [])
        key = example["id"]
        jobs.append(ValidationJob(key, texts, variants, test_paths, search))
        chosen[key] = [example]
    return jobs, chosen
