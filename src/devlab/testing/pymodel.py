"""The language model's share of Python test generation: what to ask, and what to take
from its answer.

A small model (the packaged Gemma 3 270M) writes plausible calls and wrong expected
values: its test files rarely pass as written, so whole tests alone keep almost nothing.
Its *inputs* are still worth having (a date string of the right shape, an object built
and then used), so every call the answer makes of the module's names is also proposed as
a probe call, with the statements before it in the same test as its setup
(``obj = Cache(2)``, ``obj['a'] = 1``, then ``obj.popitem()``). The probe records what
the call really returns or raises, and the characterisation test asserts that: the model
chooses the input, the code under test supplies the oracle. Both kinds of candidate then
go through the same keep rules as every other strategy (three passing runs, new coverage
or a mutant killed).

A base model (one that only continues text) gets a *page* instead of instructions: the
function under test, then the start of its test file for it to continue (``model_page``).

Only names the answer binds, the module's names, builtins and standard-library modules
may appear in a call: anything else would fail for a reason that says nothing about the
code under test.
"""

from __future__ import annotations

import ast
import builtins
import sys
from collections.abc import Callable

from devlab.testing.strategies import Call, Candidate, model_candidates_from_reply
from devlab.testing.targets import Target

__all__ = [
    "MAX_MODEL_CALLS",
    "allowed_imports",
    "ask_for_tests",
    "calls_from_code",
    "model_page",
    "repeating",
    "whole_tests",
]

MAX_MODEL_CALLS = 40  # probe calls read from one answer
_MAX_SETUP = 8  # statements before a call kept as its setup
_STOPS = ("\n# File:", "\nif __name__", "\n```")


def model_page(target: Target, module: str, path: str, names: list[str]) -> tuple[str, str]:
    """A base model's prompt for ``target``: its source, then the start of a test file
    that calls it. Returns ``(page, start)``; ``page`` ends with ``start``, the part of
    the test file the model's continuation belongs to."""
    slug = target.qualname.replace(".", "_").lower().strip("_")
    if target.cls and target.name != "__init__":
        first = f"    obj = {target.cls}("
    else:
        first = f"    assert {target.cls or target.name}("
    start = (
        f"import pytest\nfrom {module} import {', '.join(names)}\n\n\n"
        f"def test_{slug}_basic():\n{first}"
    )
    page = f"# File: {path}\n{target.source.rstrip()}\n\n\n# File: tests/test_{slug}.py\n{start}"
    return page, start


def repeating(text: str, times: int = 3) -> bool:
    """Whether the last finished line of ``text`` (a real one, not a bracket) is there
    ``times`` times: a small base model repeating itself, which only spends time."""
    lines = text.splitlines()
    if len(lines) < 2:
        return False
    last = lines[-2].strip()
    return len(last) > 8 and sum(line.strip() == last for line in lines) >= times


def cut_continuation(text: str) -> str:
    """The model's continuation up to where the test file ends (a new file, a code
    fence, a main block)."""
    for stop in _STOPS:
        at = text.find(stop)
        if at >= 0:
            text = text[:at]
    return text


def allowed_imports(code: str) -> tuple[str, ...]:
    """The answer's import lines of standard-library modules (a module the sandbox does
    not have would fail the whole probe file at import time)."""
    found = []
    for line in code.splitlines():
        words = line.split()
        if len(words) >= 2 and words[0] in ("import", "from"):
            top = words[1].split(".")[0].rstrip(",")
            if top in sys.stdlib_module_names and top != "__future__":
                try:
                    ast.parse(line)
                except SyntaxError:
                    continue
                found.append(line.strip())
    return tuple(dict.fromkeys(found))


def _trimmed(code: str) -> tuple[str, ast.Module] | None:
    """``code`` without the unfinished last lines of an answer cut off mid-way (trimmed
    until the rest parses), and its tree; None when nothing near the end parses."""
    lines = code.splitlines()
    for end in range(len(lines), max(0, len(lines) - 40), -1):
        text = "\n".join(lines[:end])
        try:
            return text + "\n", ast.parse(text)
        except SyntaxError:
            continue
    return None


def _parsed_tests(code: str) -> list[ast.FunctionDef]:
    """The answer's top-level test functions (its cut-off end left out)."""
    found = _trimmed(code)
    body = found[1].body if found else []
    return [n for n in body if isinstance(n, ast.FunctionDef) and n.name.startswith("test")]


def _free_names(nodes: list[ast.AST]) -> set[str]:
    return {n.id for node in nodes for n in ast.walk(node) if isinstance(n, ast.Name)}


def _bound(stmt: ast.stmt) -> set[str]:
    targets: list[ast.expr] = []
    if isinstance(stmt, ast.Assign):
        targets = stmt.targets
    elif isinstance(stmt, ast.AnnAssign | ast.AugAssign):
        targets = [stmt.target]
    return {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}


def _observed(stmt: ast.stmt) -> list[ast.expr]:
    """The expressions a test statement checks or calls: an assertion's left side (or
    its whole test), a bare call, the value of an assignment, the calls inside
    ``with pytest.raises(...)``."""
    if isinstance(stmt, ast.Assert):
        test = stmt.test
        if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
            test = test.operand
        if isinstance(test, ast.Compare):
            return [test.left, *(c for c in test.comparators if isinstance(c, ast.Call))]
        return [test]
    if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call):
        return [stmt.value]
    if isinstance(stmt, ast.Assign | ast.AnnAssign) and stmt.value is not None:
        return [stmt.value]
    if isinstance(stmt, ast.With):
        return [s.value for s in stmt.body if isinstance(s, ast.Expr)]
    return []


def calls_from_code(
    code: str, names: set[str], target: str, imports: tuple[str, ...] = (), first_id: int = 0
) -> list[Call]:
    """Probe calls for every expression the answer's tests check or call that uses one
    of ``names`` (the module's imported names), each with the test's earlier statements
    as its setup. ``imports``: the import lines the calls may use."""
    known = set(dir(builtins)) | set(names)
    for line in imports:
        tree = ast.parse(line).body[0]
        if isinstance(tree, ast.Import | ast.ImportFrom):
            known |= {(a.asname or a.name).split(".")[0] for a in tree.names}
    calls: list[Call] = []
    seen: set[str] = set()
    for test in _parsed_tests(code):
        setup: list[ast.stmt] = []
        bound: set[str] = set()
        for stmt in test.body:
            for node in _observed(stmt):
                used = _free_names([*setup, node])
                if not (used & names) or used - known - bound:
                    continue  # calls nothing of the module, or uses a name never defined
                expr = ast.unparse(node)
                lines = tuple(ast.unparse(s) for s in setup)
                key = "; ".join([*lines, expr])
                if key in seen or len(calls) >= MAX_MODEL_CALLS:
                    continue
                seen.add(key)
                cid = f"m{first_id + len(calls)}"
                calls.append(Call(cid, target, expr, False, lines, imports))
            if isinstance(stmt, ast.Assert | ast.With):
                continue  # checked above; sets nothing up
            if not isinstance(stmt, ast.Assign | ast.AugAssign | ast.AnnAssign | ast.Expr):
                break  # a loop, a branch: what follows depends on it
            if isinstance(stmt, ast.Expr) and not isinstance(stmt.value, ast.Call):
                continue  # a docstring or a bare name: nothing to set up
            if len(setup) >= _MAX_SETUP:
                break
            setup.append(stmt)
            bound |= _bound(stmt)
    return calls


def ask_for_tests(
    model: Callable[[str, str], str],
    target: Target,
    *,
    module: str,
    path: str,
    missing: list[int],
    example: str = "",
    cases: str = "",
    seconds: float | None = None,
) -> str:
    """The model's test code for ``target``: a chat model's first Python block, or a base
    model's continuation of ``model_page`` (with the page's test-file start before it).
    A model with ``chat``/``continue_page`` methods (``service.LLMTestModel``) stops
    answering after ``seconds``; a plain ``(system, user) -> reply`` function is asked
    as it is."""
    from devlab.llm import extract_code, render_prompt_blocks

    names = [target.cls or target.name]
    if getattr(model, "base", False) and hasattr(model, "continue_page"):
        page, start = model_page(target, module, path, names)
        return start + cut_continuation(model.continue_page(page, seconds))
    texts, _ = render_prompt_blocks(
        "generate_tests",
        ("system", "user"),
        package="devlab.testing",
        import_line=f"from {module} import {names[0]}",
        module=module,
        path=path,
        source=target.source[:6000],
        missing=", ".join(map(str, missing[:40])),
        callers="",
        example_test=example,
        cases=cases,
    )
    chat = getattr(model, "chat", None)
    reply = chat(texts["system"], texts["user"], seconds) if chat else model(*texts.values())
    blocks = [b for b in extract_code(reply, "python") if b.valid is not False]
    return blocks[0].code if blocks else ""


def whole_tests(code: str, target: Target, module: str) -> list[Candidate]:
    """The answer's test functions as written, each a candidate (the module's import
    added; only standard-library imports kept; a function that does not parse is left
    out, since one such function would fail every test of its file)."""
    name = target.cls or target.name
    imports = (*allowed_imports(code), f"from {module} import {name}")
    found = []
    for cand in model_candidates_from_reply(code, target.qualname):
        trimmed = _trimmed(cand.code)  # the last test of a cut-off answer: its finished part
        if trimmed is None or not any(isinstance(n, ast.FunctionDef) for n in trimmed[1].body):
            continue
        cand.code, cand.imports = trimmed[0], imports
        found.append(cand)
    return found
