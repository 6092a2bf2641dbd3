"""A test plan from the verified loop's specification (seed 004: "a test plan is
automatically generated"): the spec's examples, acceptance checks and constraints as
``PlannedCase`` lines, in the same ``TestPlan`` shape the Testing Lab makes from code
(``devlab.testing.plan``). The loop hands the plan to the model writing the acceptance
tests ("cover every case") and returns it with the result, so a user sees what the tests
were meant to check. Made from the spec alone: no extra model call.
"""

from __future__ import annotations

from devlab.companion.models import PlannedCase, Spec, TestPlan

__all__ = ["plan_from_spec", "plan_lines"]

MAX_CASES = 16


def _text(value: object, limit: int = 300) -> str:
    return " ".join(str(value).split())[:limit]


def plan_from_spec(spec: Spec, requirement: str) -> TestPlan:
    """The spec's examples (inputs -> output), acceptance checks and constraints."""
    target = spec.function or ""
    plan = TestPlan(subject=target or "requirement", requirement=requirement)
    for i, example in enumerate(spec.examples, 1):
        inputs = example.get("input", example.get("inputs", example.get("args", "")))
        output = example.get("output", example.get("expected", example.get("returns", "")))
        if inputs == "" and output == "":
            continue
        plan.cases.append(PlannedCase(
            name=f"example {i}", kind="example", target=target, inputs=_text(inputs),
            expected=f"returns {_text(output)}" if output != "" else "runs", source="spec",
        ))  # fmt: skip
    for i, check in enumerate(spec.acceptance_tests, 1):
        plan.cases.append(PlannedCase(
            name=f"acceptance {i}", kind="requirement", target=target, inputs=_text(check),
            expected="holds", source="spec",
        ))  # fmt: skip
    for i, constraint in enumerate(spec.constraints, 1):
        plan.cases.append(PlannedCase(
            name=f"edge case {i}", kind="boundary", target=target, inputs=_text(constraint),
            expected="the constraint is respected (or the input refused as the spec says)",
            source="spec",
        ))  # fmt: skip
    plan.cases = plan.cases[:MAX_CASES]
    if not plan.cases:
        plan.message = "the specification gave no examples, checks or constraints"
    return plan


def plan_lines(plan: TestPlan) -> str:
    """The plan as the prompt shows it: one ``- name: inputs -> expected`` line a case."""
    return "\n".join(f"- {c.name}: {c.inputs} -> {c.expected}" for c in plan.cases)
