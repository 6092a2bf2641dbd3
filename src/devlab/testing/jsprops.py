"""Property-based tests for JavaScript and TypeScript with fast-check, where installable.

Where fast-check comes from: the project's own (a declared dependency, installed into
its environment cache), else the copy scripts/setup.sh installs once with npm under
``/usr/lib/node_modules`` (read-only in the sandbox, found there through NODE_PATH).
Nothing is downloaded at run time; without either, no property is generated and the
result says so.

What the properties are (built by ``jsgen_types.js`` in the sandbox from the types the
TypeScript parser reads: TS annotations, or JSDoc ``@param``/``@returns`` in .js): for
each function whose parameters are all typed, "returns a value of its declared type"
(or "does not throw" without a return type), "is idempotent" for a one-parameter
function whose result has its parameter's type, and "round-trips" for pairs such as
encode/decode or format/parse. The probe checks each once with a fixed seed; one that
holds becomes a candidate test (``fc.assert`` with the same seed, so every run draws
the same inputs), judged by the shared keep rule like any other. One that fails on a
shrunk counterexample is dropped with it, and becomes a suspected bug when the engine
threw (TypeError, RangeError, ReferenceError) on a line that does not throw, on input of
the declared types.
"""

from __future__ import annotations

import json
import os
from typing import Any

from devlab.testing.models import CandidateResult, SuspectedBug

__all__ = [
    "FC_SEED",
    "GLOBAL_ROOT",
    "fast_check",
    "fc_import",
    "property_candidates",
    "shared_fast_check",
]

FC_SEED = 42
FC_RUNS = 100
GLOBAL_ROOT = "/usr/lib/node_modules"
_ENGINE_ERRORS = ("TypeError", "RangeError", "ReferenceError")
Cand = tuple[str, str, str, str]


def shared_fast_check() -> bool:
    """Whether the copy scripts/setup.sh installs is here."""
    return os.path.isfile(os.path.join(GLOBAL_ROOT, "fast-check", "package.json"))


def fast_check(manifests: dict[str, str], installed: bool) -> tuple[str, str, str]:
    """(module name to require, NODE_PATH for the sandbox, a note) for fast-check: the
    project's own when it declares it and its packages were installed, else the shared
    copy; ('', '', why not) when neither exists."""
    try:
        data = json.loads(manifests.get("package.json") or "{}")
    except ValueError:
        data = {}
    deps = {}
    if isinstance(data, dict):
        for key in ("dependencies", "devDependencies"):
            found = data.get(key)
            deps.update(found if isinstance(found, dict) else {})
    if "fast-check" in deps and installed:
        return "fast-check", "", ""
    if shared_fast_check():
        note = ("" if "fast-check" in deps else
                "property tests use fast-check: add it to devDependencies "
                "(`npm install --save-dev fast-check`) to run them outside DevLab")  # fmt: skip
        return "fast-check", GLOBAL_ROOT, note
    return "", "", ("no property tests: fast-check is not installed (scripts/setup.sh "
                    "installs it; or declare it in the project's devDependencies)")  # fmt: skip


def fc_import(header: str) -> str:
    """The line that binds ``fc`` in a test file with ``header`` (import or require)."""
    if "import assert" in header:
        return "import fc from 'fast-check';"
    return "const fc = require('fast-check');"


def _test(title: str, prop: str, is_async: bool) -> str:
    params = f"{{ seed: {FC_SEED}, numRuns: {FC_RUNS} }}"
    wait, sync = ("await ", "async ") if is_async else ("", "")
    return f"test({json.dumps(title)}, {sync}() => {{\n  {wait}fc.assert({prop}, {params});\n}});\n"


def property_candidates(
    found: list[dict[str, Any]],
) -> tuple[list[Cand], list[CandidateResult], list[SuspectedBug], list[str]]:
    """Candidates from the properties that held in the probe; the others dropped with
    their counterexample, or suspected bugs (an engine error on valid input)."""
    cands: list[Cand] = []
    dropped: list[CandidateResult] = []
    bugs: list[SuspectedBug] = []
    notes: list[str] = []
    for n, prop in enumerate(found):
        if prop.get("error"):
            notes.append(str(prop["error"])[:300])
            continue
        title = f"devlab: property {prop['target']} {prop['title']} #{n}"
        code = _test(title, prop["prop"], bool(prop.get("async")))
        if prop.get("holds"):
            cands.append((title, prop["target"], code, "property"))
            continue
        thrown = prop.get("thrown") or {}
        example = prop.get("counterexample", "")
        if thrown and not thrown.get("explicit") and thrown.get("name") in _ENGINE_ERRORS:
            call = f"{prop['target']}(...{example})"
            bugs.append(SuspectedBug(target=prop["target"], call=call, exception=thrown["name"],
                                     message=f"{thrown.get('message', '')} at "
                                             f"{thrown.get('where', '')} (fast-check, seed "
                                             f"{FC_SEED})"))  # fmt: skip
            continue
        why = thrown.get("message") or prop.get("message") or "failed"
        dropped.append(CandidateResult(
            name=title, target=prop["target"], strategy="property", code=code, kept=False,
            reason=f"the property does not hold (seed {FC_SEED}): counterexample {example[:200]}: "
                   f"{str(why)[:200]}",
        ))  # fmt: skip
    return cands, dropped, bugs, notes
