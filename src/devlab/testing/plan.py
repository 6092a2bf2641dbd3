"""Test plans: structured test cases for a piece of code and, optionally, the
requirement it answers (seed 004: "a test plan is automatically generated").

The model-free part reads the code (Python's ``ast`` through ``find_targets``): the
docstring's ``>>>`` examples with their expected output, the boundary calls the
generation strategies will try (from the signature, defaults and the constants the
branches compare against) and the exceptions the function raises on purpose. A
language model, when given, adds cases from the requirement's words, each on one line
of a fixed shape (``- name: inputs -> expected``) so a small model's reply can be read
without trusting it to write JSON; lines of any other shape are ignored.

The plan is what generation shows next to its tests (``GenerateResult.plan``) and what
the model round is asked to cover.
"""

from __future__ import annotations

from collections.abc import Callable

from devlab.errors import InvalidInput
from devlab.testing.models import PlannedCase, TestPlan
from devlab.testing.strategies import boundary_calls
from devlab.testing.targets import Target, find_targets

__all__ = ["parse_model_cases", "plan_for_code", "plan_for_requirement"]

MAX_CASES_PER_TARGET = 8
MAX_MODEL_CASES = 12
ModelFn = Callable[[str, str], str]

_SYSTEM = (
    "You write test plans. For the requirement and code given, list test cases, one per "
    "line, exactly in this shape:\n- name: inputs -> expected behaviour\n"
    "Cover normal use, edge cases and invalid input. Nothing else."
)
_EXAMPLE = (
    "Requirement: is_even(n) tells whether n is even.\n"
    "- zero: n=0 -> True\n- odd: n=3 -> False\n- negative even: n=-4 -> True\n"
)


def _examples(t: Target) -> list[PlannedCase]:
    """The docstring's ``>>>`` lines with the output line that follows each."""
    cases: list[PlannedCase] = []
    lines = [line.strip() for line in t.docstring.splitlines()]
    for i, line in enumerate(lines):
        if not line.startswith(">>> "):
            continue
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        expected = "" if nxt.startswith(">>>") else nxt
        cases.append(PlannedCase(
            name=f"{t.name} example {len(cases) + 1}", kind="example", target=t.qualname,
            inputs=line[4:], expected=f"returns {expected}" if expected else "runs",
            source="docstring",
        ))  # fmt: skip
    return cases


def _target_cases(t: Target) -> list[PlannedCase]:
    cases = _examples(t)
    for call in boundary_calls(t)[: MAX_CASES_PER_TARGET - len(cases)]:
        cases.append(PlannedCase(
            name=f"{t.name} boundary {len(cases) + 1}", kind="boundary", target=t.qualname,
            inputs=call.expr,
            expected="returns a value of its annotated type" if call.annotated
            else "returns without an unexpected exception",
            source="signature",
        ))  # fmt: skip
    for name in sorted(t.raises):
        cases.append(PlannedCase(
            name=f"{t.name} raises {name}", kind="error", target=t.qualname,
            inputs="input that reaches the raise", expected=f"raises {name}", source="branch",
        ))  # fmt: skip
    return cases


def parse_model_cases(reply: str, target: str = "") -> list[PlannedCase]:
    """Cases from lines shaped ``- name: inputs -> expected`` (others are ignored)."""
    cases: list[PlannedCase] = []
    for raw in reply.splitlines():
        line = raw.strip()
        if not line.startswith(("- ", "* ")) or "->" not in line or ":" not in line:
            continue
        head, _, expected = line[2:].partition("->")
        name, _, inputs = head.partition(":")
        if not name.strip() or not expected.strip():
            continue
        cases.append(PlannedCase(
            name=name.strip()[:120], kind="requirement", target=target,
            inputs=inputs.strip()[:300], expected=expected.strip()[:300], source="model",
        ))  # fmt: skip
        if len(cases) == MAX_MODEL_CASES:
            break
    return cases


def _ask(model: ModelFn, requirement: str, code: str) -> list[PlannedCase]:
    user = f"{_EXAMPLE}\nRequirement: {requirement.strip()}\n"
    if code:
        user += f"Code:\n```python\n{code[:4000]}\n```\n"
    return parse_model_cases(model(_SYSTEM, user))


def plan_for_code(
    source: str,
    *,
    path: str,
    symbol: str | None = None,
    requirement: str | None = None,
    model: ModelFn | None = None,
) -> TestPlan:
    """The plan of ``path``'s functions (or ``symbol``'s); the model adds cases from the
    requirement when both are given (a failing model is noted, the rest is kept)."""
    try:
        targets = find_targets(source, symbol)
    except SyntaxError as exc:
        raise InvalidInput(f"{path} does not parse (line {exc.lineno}): no plan") from None
    if symbol and not targets:
        raise InvalidInput(f"no public function, class or method {symbol!r} in {path}")
    plan = TestPlan(subject=f"{path}:{symbol}" if symbol else path, requirement=requirement)
    for t in targets:
        plan.cases += _target_cases(t)
    if requirement and model is not None:
        code = "\n\n".join(t.source for t in targets)
        try:
            plan.cases += _ask(model, requirement, code)
            plan.model_used = True
        except Exception as exc:  # the model-free cases stand on their own
            plan.message = f"the language model failed: {exc}"
    if not plan.cases:
        plan.message = plan.message or "no public functions to plan tests for"
    return plan


def plan_for_requirement(requirement: str, model: ModelFn | None) -> TestPlan:
    """A plan from a requirement alone (no code yet): the model's cases."""
    if model is None:
        raise InvalidInput(
            "a plan from a requirement alone needs the language model (use_model: true), "
            "or give the code too"
        )
    plan = TestPlan(subject="requirement", requirement=requirement)
    plan.cases = _ask(model, requirement, "")
    plan.model_used = True
    if not plan.cases:
        plan.message = "the model's reply held no case of the shape '- name: inputs -> expected'"
    return plan
