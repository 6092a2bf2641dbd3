"""The verified generation loop: brainstorm -> generate -> run -> fix.

Reading order::

    requirement --make_spec--> Spec (JSON from the model; a minimal one if it is not JSON)
                --make_tests--> acceptance tests (the model's, or the caller's as given)
                --round 1: code prompt, later rounds: repair prompt with the failure-->
                code --extract_code--> (unparsable: a failed round, fed back)
                     --run_tests (sandbox)--> Execution (passed? -> verdict "passed")
    after max_rounds without a pass: verdict "failed"

The code and its tests run only in ``devlab.sandbox``. Every round keeps its sandbox
result (status, exit code, output tails, test summary, failures). Tests are fixed once
written (a repair changes the code, not the tests), except that tests which did not
parse are asked for again at the start of the next round.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass

from devlab.companion import base_prompts
from devlab.companion.conversations import (
    add_message,
    ask_model,
    complete_model,
    load_state,
    open_conversation,
    save_state,
)
from devlab.companion.errors import EmptyInput, UnparsableCode
from devlab.companion.models import (
    SPEC_SCHEMA,
    GenerateRequest,
    GenerationResult,
    Round,
    Spec,
    TestPlan,
)
from devlab.companion.plans import plan_from_spec, plan_lines
from devlab.companion.prompting import Prompt, extract_code, fence, render_prompt
from devlab.companion.runs import describe_failure, run_in_sandbox, summarise
from devlab.errors import Conflict, InvalidInput, NotFound
from devlab.llm import Completion, GenerationParams, ProviderError
from devlab.progress import ProgressFn, report
from devlab.sandbox import resolve_language
from devlab.workbench import Workbench

LogFn = Callable[[str], None]
# Stop sequences (issue 18): a small or base model that does not end its turn goes on
# after the answer (another "Requirement (...)" like the spec prompt's example, prose
# after the code block) until max_tokens. The code is read from the first fenced
# block, and an unclosed last fence counts, so stopping at its closing fence loses
# nothing. A bare "```" line opening the reply would stop it at once; the prompts ask
# for a fence with the language name.
SPEC_STOPS = ["\nRequirement ("]
CODE_STOPS = ["\n```\n"]
# On a base model the loop asks a spec page decoded under the spec's schema, and puts
# the spec's examples in front of the acceptance tests (base_prompts). Measured on the
# packaged model against no spec (docs/benchmarks.md, "#18 (i18g)"): the same verdicts
# (0 of 6 every way), no more tokens (5,548 and 8,606 in two runs against 9,339), round
# median 22 s against 87 s in the paired run (load 12-17; the second, at load 14-22:
# 73 s). False: the requirement alone is the spec. Given tests skip it.
BASE_MODEL_SPEC = True
BASE_SPEC_TOKENS = 400  # the specs that parsed took 110-219 tokens; one looped to 1024
# The base model's test and code files end by their own rules (base_prompts.file_end:
# a repeated line, a line back at column 0, a size limit; an unfinished last line
# dropped) under their own token caps; the round time was decided by continuations
# that repeated lines to max_tokens (docs/benchmarks.md "#18 (i18h)"). False: stop
# strings and the request's max_tokens alone, as before.
BASE_STOP_RULES = True
# Its examples are the only part of a base model's spec the loop uses: two at least.
_EXAMPLES = {**SPEC_SCHEMA["properties"]["examples"], "minItems": 2}
BASE_SPEC_SCHEMA = {
    **SPEC_SCHEMA,
    "properties": {**SPEC_SCHEMA["properties"], "examples": _EXAMPLES},
}


@dataclass(frozen=True)
class Layout:
    """Where the code and its tests go for one language, and how the tests run."""

    solution: str
    tests: str
    framework: str  # told to the model writing tests
    import_hint: str
    mode: str = "test"  # the sandbox's test runner; "run" runs ``tests`` as a script


LAYOUTS: dict[str, Layout] = {
    "python": Layout(
        "solution.py",
        "test_solution.py",
        "pytest functions named test_* using plain assert statements",
        "import it with `from solution import *`",
    ),
    "javascript": Layout(
        "solution.js",
        "solution.test.js",
        "node:test (`const test = require('node:test'); const assert = require('node:assert');`)",
        "load it with `const solution = require('./solution');` (the code uses module.exports)",
    ),
    "typescript": Layout(
        "solution.ts",
        "solution.test.ts",
        "node:test (`import test from 'node:test'; import assert from 'node:assert';`)",
        "import it with `import * as solution from './solution';` (the code uses export)",
    ),
    "go": Layout(
        "solution.go",
        "solution_test.go",
        "Go's testing package: `package main`, functions `func TestXxx(t *testing.T)`",
        "both files are in `package main`",
    ),
    "java": Layout(
        "Solution.java",
        "SolutionTest.java",
        "JUnit 5: class SolutionTest with @Test methods (org.junit.jupiter.api.*, "
        "static org.junit.jupiter.api.Assertions.*)",
        "the code is the class Solution in the default package",
    ),
    "bash": Layout(
        "solution.sh",
        "test_solution.sh",
        "a bash script that checks results with `[ ... ] || { echo FAIL; exit 1; }` "
        "and exits 0 when every check passes",
        "load it with `. ./solution.sh`",
        mode="run",
    ),
}


def layout_for(language: str) -> tuple[str, Layout]:
    """The sandbox language and its layout; 422 for a language the loop cannot test."""
    name = resolve_language(language)
    if name not in LAYOUTS:
        raise InvalidInput(
            f"the generation loop cannot test {name} code; use one of: {', '.join(LAYOUTS)}"
        )
    return name, LAYOUTS[name]


def check_request(bench: Workbench, req: GenerateRequest) -> str:
    """Cheap checks before any model call (4xx at once); returns the sandbox language."""
    if not req.requirement.strip():
        raise EmptyInput("the requirement is empty: describe the code to write")
    language, _ = layout_for(req.language)
    most = bench.settings.sandbox_max_wall_seconds
    if req.timeout_seconds > most:
        raise InvalidInput(
            f"timeout_seconds={req.timeout_seconds:g} is above the sandbox's maximum of "
            f"{most:g} s (sandbox_max_wall_seconds)"
        )
    return language


# -- the model's parts ---------------------------------------------------------------


# What a small model copies from a schema instead of filling it in.
_PLACEHOLDERS = {"", "...", "name_of_main_function", "function_name", "name", "main"}
_CALL = re.compile(r"\b([A-Za-z_][A-Za-z0-9_]{0,80})\s*\(")


def requirement_function(requirement: str) -> str | None:
    """The function a requirement names (``is_palindrome`` in "Write is_palindrome(s)")."""
    match = _CALL.search(requirement[:2000])
    return match.group(1) if match else None


def parse_spec(reply: str, requirement: str) -> Spec:
    """The model's JSON spec; a minimal spec of the requirement when it is not JSON.
    Placeholders copied from the prompt ("...", "name_of_main_function") are dropped,
    and a function name the requirement gives wins over none or a placeholder."""
    start, end = reply.find("{"), reply.rfind("}")
    try:
        data = json.loads(reply[start : end + 1]) if 0 <= start < end else None
    except ValueError:
        data = None
    named = requirement_function(requirement)
    if not isinstance(data, dict):
        return Spec(summary=requirement, function=named, source="fallback")

    def strings(key: str) -> list[str]:
        value = data.get(key) or []
        value = value if isinstance(value, list) else [value]
        value = [v if isinstance(v, str) else json.dumps(v) for v in value]
        return [v for v in value if v.strip() not in _PLACEHOLDERS]

    examples = data.get("examples") or []
    examples = examples if isinstance(examples, list) else [examples]
    function = data.get("function")
    if not isinstance(function, str) or not function.isidentifier() or function in _PLACEHOLDERS:
        function = named
    summary = str(data.get("summary") or "").strip()
    return Spec(
        summary=requirement if summary in _PLACEHOLDERS else summary,
        function=function,
        inputs=strings("inputs"),
        outputs=strings("outputs"),
        constraints=strings("constraints"),
        examples=[e if isinstance(e, dict) else {"example": e} for e in examples],
        acceptance_tests=strings("acceptance_tests"),
        source="model",
    )


def spec_text(spec: Spec) -> str:
    return json.dumps(spec.model_dump(exclude={"source"}, exclude_none=True), indent=2)


@dataclass
class Loop:
    """The state one generation carries between its steps."""

    bench: Workbench
    req: GenerateRequest
    language: str
    layout: Layout
    conversation_id: int
    last: Completion | None = None
    last_prompt: Prompt | None = None
    base: bool = False  # a base model: completion-style prompts (base_prompts.py)
    tests: str | None = None  # the acceptance tests once written
    plan: TestPlan | None = None  # what the acceptance tests are written to (plans.py)

    def continue_file(
        self,
        task: str,
        given: base_prompts.Continuation,
        temperature: float,
        schema: dict | None = None,
        max_tokens: int | None = None,
    ) -> str:
        """The file ``given`` starts, continued by the model (a base model's way). With
        ``BASE_STOP_RULES`` the file's own rule ends it where it is complete or starts
        repeating itself (``Continuation.end``), under its own token cap."""
        rules = BASE_STOP_RULES and bool(given.kind)
        limit = max_tokens or self.req.max_tokens
        if rules and given.max_tokens:
            limit = min(limit, given.max_tokens)
        params = GenerationParams(
            max_tokens=limit, temperature=temperature, stop=given.stop, seed=0, json_schema=schema
        )
        completion = complete_model(
            self.bench.llm,
            task,
            given.text,
            params,
            conversation_id=self.conversation_id,
            prompt=given.rendered(),
            stop_when=given.end if rules else None,
        )
        self.last = completion
        if not rules:
            return given.prefix + completion.text
        return given.finish(completion.text, completion.finish_reason == "length")

    def ask(
        self, task: str, prompt: Prompt, stop: list[str] | None = None, schema: dict | None = None
    ) -> str:
        params = GenerationParams(
            max_tokens=self.req.max_tokens,
            temperature=self.req.temperature,
            stop=stop or [],
            json_schema=schema,
        )
        completion = ask_model(
            self.bench.llm,
            task,
            prompt.messages,
            params,
            conversation_id=self.conversation_id,
            prompt=prompt,
        )
        self.last, self.last_prompt = completion, prompt
        return completion.text

    def values(self, **extra: object) -> dict:
        return {
            "language": self.language,
            "requirement": self.req.requirement.strip(),
            "solution_file": self.layout.solution,
            "test_file": self.layout.tests,
            **extra,
        }


def make_tests(loop: Loop, spec: Spec) -> tuple[str | None, str | None]:
    """``(tests, None)``, or ``(None, why)`` when the model's tests do not parse."""
    if loop.base:
        asserts = base_prompts.spec_asserts(
            spec.function or "", spec.examples, spec.acceptance_tests
        )
        given = base_prompts.acceptance_continuation(loop.req.requirement, asserts)
        reply = loop.continue_file("tests", given, loop.req.temperature)
        try:
            return extract_code(fence(reply, loop.language), loop.language), None
        except UnparsableCode as exc:
            return None, f"the acceptance tests did not parse: {exc.message}"
    prompt = render_prompt(
        "tests",
        **loop.values(
            spec=spec_text(spec),
            framework=loop.layout.framework,
            import_hint=loop.layout.import_hint,
            plan=plan_lines(loop.plan) if loop.plan else "",
        ),
    )
    try:
        return extract_code(loop.ask("tests", prompt, CODE_STOPS), loop.language), None
    except UnparsableCode as exc:
        return None, f"the acceptance tests did not parse: {exc.message}"


def _given_tests(req: GenerateRequest, language: str) -> str | None:
    if req.tests is None or not req.tests.strip():
        return None
    try:
        return extract_code(fence(req.tests, language), language)
    except UnparsableCode as exc:
        raise InvalidInput(f"the given tests do not parse as {language}: {exc.message}") from exc


def generate_code(
    bench: Workbench,
    req: GenerateRequest,
    *,
    progress: ProgressFn | None = None,
    log: LogFn | None = None,
) -> GenerationResult:
    """Requirement -> spec -> tests -> code, run and repaired up to ``max_rounds``.

    The loop's state is saved on its conversation after every round, so
    ``resume_generation`` picks up a loop that stopped (see there)."""
    language = check_request(bench, req)
    layout = LAYOUTS[language]
    requirement = req.requirement.strip()
    given = _given_tests(req, language)
    say = log or (lambda _m: None)
    conversation_id = open_conversation(bench.db, None, kind="generate", title=requirement[:120])
    add_message(bench.db, conversation_id, "user", requirement, action="generate")
    loop = Loop(bench, req, language, layout, conversation_id)
    loop.base = language == "python" and bench.llm.base_model("generate")

    report(progress, "spec", 0, 1, "writing the specification")
    if loop.base:
        spec = _base_spec(loop, requirement, given is not None)
    else:
        spec_prompt = render_prompt("spec", **loop.values())
        reply = loop.ask("generate", spec_prompt, SPEC_STOPS, SPEC_SCHEMA)
        spec = parse_spec(reply, requirement)
    say(f"spec ({spec.source}): {spec.summary[:200]}")
    if not loop.base:
        loop.plan = plan_from_spec(spec, requirement)
        say(f"test plan: {len(loop.plan.cases)} cases")
    tests, tests_error = (given, None) if given else make_tests(loop, spec)
    if tests:
        say(f"acceptance tests: {tests.count(chr(10))} lines in {layout.tests}")
    return _run_loop(loop, spec, tests, tests_error, [], progress, say)


def _base_spec(loop: Loop, requirement: str, tests_given: bool) -> Spec:
    """A base model's spec: (``BASE_MODEL_SPEC``) a spec page continued under the
    spec's JSON schema, else (or when the tests are given) the requirement itself; the
    function is the requirement's. A reply cut at ``BASE_SPEC_TOKENS`` falls back."""
    name, _ = base_prompts.signature(requirement)
    if not BASE_MODEL_SPEC or tests_given:
        return Spec(summary=requirement, function=name, source="requirement")
    given = base_prompts.spec_continuation(requirement)
    tokens = min(loop.req.max_tokens, BASE_SPEC_TOKENS)
    reply = loop.continue_file("generate", given, loop.req.temperature, BASE_SPEC_SCHEMA, tokens)
    spec = parse_spec(reply, requirement)
    spec.function = name
    return spec


def resume_generation(
    bench: Workbench,
    conversation_id: int,
    *,
    max_rounds: int | None = None,
    progress: ProgressFn | None = None,
    log: LogFn | None = None,
) -> GenerationResult:
    """Go on with the verified loop of conversation ``conversation_id`` from its last
    finished round (same requirement, spec, tests and settings). ``max_rounds`` raises
    the total of rounds allowed, so a loop that failed can be given more rounds.

    409 when the loop passed already or has no rounds left; 404 when the conversation
    is not a generation that recorded its state (one from before this existed)."""
    state, req, rounds = check_resume(bench, conversation_id, max_rounds)
    language = check_request(bench, req)
    loop = Loop(bench, req, language, LAYOUTS[language], conversation_id)
    loop.base = bool(state.get("base"))
    add_message(bench.db, conversation_id, "user", f"resume from round {len(rounds) + 1}",
                action="generate")  # fmt: skip
    spec = Spec.model_validate(state["spec"])
    loop.plan = TestPlan.model_validate(state["plan"]) if state.get("plan") else None
    tests = state.get("tests")
    say = log or (lambda _m: None)
    say(f"resuming after {len(rounds)} finished round{'s' * (len(rounds) != 1)}")
    return _run_loop(loop, spec, tests, state.get("tests_error"), rounds, progress, say)


def check_resume(
    bench: Workbench, conversation_id: int, max_rounds: int | None = None
) -> tuple[dict, GenerateRequest, list[Round]]:
    """The saved state, request and rounds of a loop that can go on; 404/409/400 else."""
    state = load_state(bench.db, conversation_id)
    if not state or state.get("kind") != "generate":
        raise NotFound(f"conversation {conversation_id} holds no resumable generation")
    req = GenerateRequest.model_validate(state["request"])
    rounds = [Round.model_validate(r) for r in state.get("rounds", [])]
    if rounds and rounds[-1].status == "passed":
        raise Conflict(f"the generation of conversation {conversation_id} passed already")
    if max_rounds is not None:
        req.max_rounds = max_rounds
    if len(rounds) >= req.max_rounds:
        raise Conflict(
            f"the generation of conversation {conversation_id} used {len(rounds)} of its "
            f"{req.max_rounds} rounds: give a larger max_rounds (at most 10) to go on"
        )
    check_request(bench, req)
    return state, req, rounds


def _run_loop(
    loop: Loop,
    spec: Spec,
    tests: str | None,
    tests_error: str | None,
    rounds: list[Round],
    progress: ProgressFn | None,
    say: LogFn,
) -> GenerationResult:
    """The rounds from ``len(rounds) + 1`` on, and the result with its final message."""
    req, language, layout = loop.req, loop.language, loop.layout
    try:
        code = _rounds(loop, spec, tests, tests_error, rounds, progress, say)
    except ProviderError as exc:
        _keep_finished_rounds(loop, rounds, tests, exc)
        raise
    tests = loop.tests
    passed = rounds[-1].status == "passed"
    summary = (
        f"passed in round {len(rounds)} of {req.max_rounds}"
        if passed
        else f"failed after {len(rounds)} round{'s' * (len(rounds) != 1)}"
    )
    files = {layout.solution: code, layout.tests: tests or ""}
    message_id = add_message(
        loop.bench.db,
        loop.conversation_id,
        "assistant",
        f"{summary}\n\n{layout.solution}:\n{fence(code, language)}",
        action="generate",
        context_ids=[f"execution:{r.execution.execution_id}" for r in rounds if r.execution],
        prompt=loop.last_prompt.messages if loop.last_prompt else None,
        prompt_version=loop.last_prompt.version if loop.last_prompt else None,
        completion=loop.last,
    )
    return GenerationResult(
        verdict="passed" if passed else "failed",
        summary=summary,
        requirement=req.requirement.strip(),
        language=language,
        spec=spec,
        code=code,
        tests=tests or "",
        files=files,
        plan=loop.plan,
        rounds=rounds,
        max_rounds=req.max_rounds,
        conversation_id=loop.conversation_id,
        message_id=message_id,
    )


def _checkpoint(loop: Loop, spec: Spec, rounds: list[Round], tests_error: str | None) -> None:
    """Save what a resume needs after a round (or before the first one)."""
    save_state(loop.bench.db, loop.conversation_id, {
        "kind": "generate", "request": loop.req.model_dump(mode="json"), "base": loop.base,
        "spec": spec.model_dump(mode="json"), "tests": loop.tests, "tests_error": tests_error,
        "rounds": [r.model_dump(mode="json") for r in rounds],
        "plan": loop.plan.model_dump(mode="json") if loop.plan else None,
    })  # fmt: skip


def _rounds(
    loop: Loop,
    spec: Spec,
    tests: str | None,
    tests_error: str | None,
    rounds: list[Round],
    progress: ProgressFn | None,
    say: LogFn,
) -> str:
    """The rounds after those in ``rounds``, appended as they finish (the state saved
    after each); returns the last code."""
    req = loop.req
    code = next((r.code for r in reversed(rounds) if r.code), "")
    feedback = _feedback(rounds[-1]) if rounds else ""
    loop.tests = tests
    _checkpoint(loop, spec, rounds, tests_error)
    for n in range(len(rounds) + 1, req.max_rounds + 1):
        report(progress, "round", n - 1, req.max_rounds, f"round {n}")
        if tests is None:
            tests, tests_error = make_tests(loop, spec)
            loop.tests = tests
        if tests is None:
            rounds.append(_round(loop, n, "unparsable", "", tests_error))
        else:
            this = _round_code(loop, n, spec, tests, code, feedback)
            rounds.append(this)
            if this.code:
                code = this.code
        last = rounds[-1]
        feedback = _feedback(last)
        _checkpoint(loop, spec, rounds, tests_error)
        say(_round_line(last))
        report(progress, "round", n, req.max_rounds, f"round {n}: {last.status}")
        if last.status == "passed":
            break
    return code


def _feedback(last: Round) -> str:
    """What the next round is told about ``last``."""
    if last.execution is not None and not last.execution.passed:
        return describe_failure(last.execution)
    return last.error or ""


def _keep_finished_rounds(
    loop: Loop, rounds: list[Round], tests: str | None, exc: ProviderError
) -> None:
    """A provider failed mid-loop: the rounds that finished are stored in the
    conversation and carried by the error (``detail["rounds"]``), so they are not lost."""
    if not rounds:
        return
    kept = [r.model_dump(mode="json") for r in rounds]
    code = next((r.code for r in reversed(rounds) if r.code), "")
    add_message(
        loop.bench.db,
        loop.conversation_id,
        "assistant",
        f"stopped after {len(rounds)} round{'s' * (len(rounds) != 1)}: {exc.message}\n\n"
        f"{loop.layout.solution}:\n{fence(code, loop.language)}",
        action="generate",
        context_ids=[f"execution:{r.execution.execution_id}" for r in rounds if r.execution],
    )
    exc.detail = {**exc.detail, "rounds": kept, "code": code, "tests": loop.tests or tests or ""}


def _round(loop: Loop, n: int, status: str, code: str, error: str | None) -> Round:
    last = loop.last
    return Round(
        round=n,
        status=status,  # type: ignore[arg-type]
        code=code,
        error=error,
        provider=last.provider if last else "",
        model=last.model if last else "",
    )


def _ask_base_code(loop: Loop, n: int, tests: str, feedback: str) -> str:
    """A base model's code: the solution file continued from its ``def`` line; later
    rounds name the failure and sample (temperature 0.7) instead of repeating round 1."""
    given = base_prompts.solution_continuation(
        loop.req.requirement, tests, feedback if n > 1 else ""
    )
    temperature = loop.req.temperature if n == 1 else max(loop.req.temperature, 0.7)
    return fence(loop.continue_file("generate", given, temperature), loop.language)


def _round_code(loop: Loop, n: int, spec: Spec, tests: str, code: str, feedback: str) -> Round:
    """One round: ask for code (or a repair), check it parses, run it with the tests."""
    try:
        reply = (
            _ask_base_code(loop, n, tests, feedback)
            if loop.base
            else _ask_code(loop, n, spec, tests, code, feedback)
        )
        new_code = extract_code(reply, loop.language)
    except UnparsableCode as exc:
        return _round(loop, n, "unparsable", "", exc.message)
    return _run_round(loop, n, tests, new_code)


def _ask_code(loop: Loop, n: int, spec: Spec, tests: str, code: str, feedback: str) -> str:
    """An instruction-tuned model's code: the code prompt, or the repair prompt."""
    if not code:
        prompt = render_prompt("code", **loop.values(spec=spec_text(spec), tests=tests))
        task = "generate"
    else:
        prompt = render_prompt(
            "repair", **loop.values(code=code, tests=tests, feedback=feedback, round=n - 1)
        )
        task = "fix"
    if n > 1 and not code:  # the previous round's reply did not parse: say so
        prompt.messages[-1].content += f"\n\nYour previous reply failed: {feedback}"
    return loop.ask(task, prompt, CODE_STOPS)


def _run_round(loop: Loop, n: int, tests: str, new_code: str) -> Round:
    """Run ``new_code`` with the tests in the sandbox: the round's verdict."""
    layout = loop.layout
    files = {layout.solution: new_code, layout.tests: tests}
    execution = run_in_sandbox(
        loop.bench,
        loop.language,
        files,
        mode=layout.mode,
        entry=layout.tests if layout.mode == "run" else None,
        timeout=loop.req.timeout_seconds,
    )
    status = "passed" if execution.passed else "failed"
    this = _round(loop, n, status, new_code, None)
    this.execution = execution
    if not execution.passed:
        this.error = f"{execution.status}: " + (
            "; ".join(f.name for f in execution.failures[:5]) or f"exit code {execution.exit_code}"
        )
    return this


def _round_line(r: Round) -> str:
    line = f"round {r.round}: {r.status}"
    if r.execution is not None:
        t = r.execution.tests
        line += f" ({r.execution.status}, {t.passed}/{t.total} tests passed)"
    if r.error and r.status != "passed":
        line += ": " + re.sub(r"\s+", " ", r.error)[:300]
    return line


__all__ = [
    "LAYOUTS",
    "Layout",
    "check_request",
    "check_resume",
    "describe_failure",
    "generate_code",
    "layout_for",
    "parse_spec",
    "resume_generation",
    "run_in_sandbox",
    "summarise",
]
