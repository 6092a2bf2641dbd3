"""Dev Companion schemas that cross the REST/CLI boundary.

Texts that must not be empty (a chat message, code, a requirement) are checked in the
library, not here, so an empty one is a 400 (``EmptyInput``) through every door rather
than pydantic's 422.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, Literal

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, field_validator, model_validator

from devlab.apitypes import DbId
from devlab.sandbox import TestCaseResult

Rating = Literal["up", "down"]
SuggestKind = Literal["optimisation", "security", "refactor"]
RefactorKind = Literal["extract_method", "simplify", "optimise"]
Verdict = Literal["passed", "failed"]

_MAX_TEXT = 200_000


class ModelParams(BaseModel):
    """Generation knobs every action accepts. Unknown fields are errors (422 naming
    them), never silently ignored."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    max_tokens: int = Field(default=512, ge=1, le=8192, description="reply budget (tokens)")
    temperature: float = Field(default=0.2, ge=0.0, le=2.0)


# -- chat ---------------------------------------------------------------------


class Selection(BaseModel):
    start_line: int = Field(ge=1)
    end_line: int = Field(ge=1)


class ActiveFile(BaseModel):
    """The file open in the editor; ``content`` defaults to the project's copy."""

    path: str = Field(min_length=1, max_length=1000)
    content: str | None = Field(default=None, max_length=_MAX_TEXT)
    selection: Selection | None = None


def _as_text(value: Any, cap: int = _MAX_TEXT) -> str:
    """A seed's free-form context value as prompt text (JSON for structures), capped."""
    text = value if isinstance(value, str) else json.dumps(value, indent=1, default=str)
    return text[:cap]


class SeedChatContext(BaseModel):
    """The seed's ``context`` of a chat message: the open file (a path, or an object as
    ``active_file`` takes), the project's structure, and recent changes."""

    model_config = ConfigDict(extra="forbid")

    active_file: str | ActiveFile | None = None
    project_structure: dict[str, Any] | list[Any] | str | None = None
    recent_changes: list[Any] | str | None = None


class HistoryTurn(BaseModel):
    """One earlier turn given with the request (the seed's ``conversation_history``)."""

    model_config = ConfigDict(extra="forbid")

    role: Literal["user", "assistant"]
    content: str = Field(max_length=_MAX_TEXT)


class ChatRequest(ModelParams):
    message: str = Field(max_length=20_000)
    project: str | None = Field(default=None, description="project name or id (retrieval)")
    conversation_id: DbId | None = Field(default=None, description="continue this conversation")
    active_file: ActiveFile | None = None
    changes: str | None = Field(
        default=None, max_length=_MAX_TEXT, description="recent changes as a unified diff"
    )
    working_tree: str | None = Field(
        default=None,
        description="a git working tree on the server whose diff (or last commits) to use",
    )
    retrieve: int = Field(default=6, ge=0, le=50, description="chunks to retrieve")
    history: int = Field(default=10, ge=0, le=200, description="earlier messages considered")
    # the seed's names: folded into the fields above by _seed_context
    context: SeedChatContext | None = Field(
        default=None, description="seed form: {active_file, project_structure, recent_changes}"
    )
    conversation_history: list[HistoryTurn] | None = Field(
        default=None,
        max_length=200,
        description="earlier turns of a new conversation (a stored one keeps its own)",
    )
    project_structure: str | None = Field(
        default=None, max_length=_MAX_TEXT, description="the project's layout, as text"
    )

    @model_validator(mode="after")
    def _seed_context(self) -> ChatRequest:
        ctx = self.context
        if ctx is None:
            return self
        if ctx.active_file is not None and self.active_file is None:
            given = ctx.active_file
            self.active_file = ActiveFile(path=given) if isinstance(given, str) else given
        if ctx.recent_changes and not self.changes:
            items = ctx.recent_changes
            parts = [items] if isinstance(items, str) else [_as_text(i) for i in items]
            self.changes = "\n".join(parts)[:_MAX_TEXT]
        if ctx.project_structure and not self.project_structure:
            self.project_structure = _as_text(ctx.project_structure)
        return self


class Citation(BaseModel):
    ref: int = Field(description="the [n] the source had in the prompt")
    path: str
    start_line: int
    end_line: int
    symbol: str | None = None
    licence: str | None = Field(
        default=None, description="set when it differs from the project's own licence"
    )
    cited: bool = Field(description="the answer refers to it (else: context only)")

    def location(self) -> str:
        return f"{self.path}:{self.start_line}-{self.end_line}"


class ChatAnswer(BaseModel):
    conversation_id: int
    message_id: int
    answer: str
    citations: list[Citation]
    context: list[str] = Field(description="ids of what the prompt held, by kind")
    provider: str
    model: str
    prompt_version: str
    usage: dict[str, Any] = Field(default_factory=dict)


# -- actions ------------------------------------------------------------------


class CodeInput(ModelParams):
    """Code given inline, or a symbol (or file) of an ingested project."""

    code: str | None = Field(default=None, max_length=_MAX_TEXT)
    language: str | None = Field(default=None, description="default: from path or project")
    path: str | None = Field(default=None, description="the code's file name (or project path)")
    project: str | None = Field(default=None, description="project for symbol/path look-ups")
    symbol: str | None = Field(default=None, description="explain this symbol of the project")
    conversation_id: DbId | None = None
    context: dict[str, Any] | str | None = Field(
        default=None, description="the seed's free-form context, given to the model as text"
    )

    def context_text(self) -> str:
        return _as_text(self.context, 20_000) if self.context else ""


class ExplainRequest(CodeInput):
    question: str | None = Field(default=None, max_length=5000)

    @model_validator(mode="after")
    def _fold_context(self) -> ExplainRequest:
        if self.context:
            self.question = f"{self.question or ''}\n\nContext:\n{self.context_text()}".strip()
        return self


# the seed's spellings -> DevLab's
_SPELLINGS = {"optimization": "optimisation", "optimize": "optimise", "optimise": "optimise"}


class SuggestRequest(CodeInput):
    kind: SuggestKind = Field(
        default="refactor",
        validation_alias=AliasChoices("kind", "suggestion_type"),
        description="optimisation (or the seed's 'optimization') | security | refactor",
    )

    @field_validator("kind", mode="before")
    @classmethod
    def _spelling(cls, value: Any) -> Any:
        if value in ("optimization", "optimise", "optimize"):
            return "optimisation"
        return value


class RefactorRequest(CodeInput):
    kind: RefactorKind = Field(
        default="simplify",
        validation_alias=AliasChoices("kind", "refactoring_type"),
        description="extract_method | simplify | optimise (or the seed's 'optimize')",
    )
    instructions: str | None = Field(default=None, max_length=5000)

    @field_validator("kind", mode="before")
    @classmethod
    def _spelling(cls, value: Any) -> Any:
        return _SPELLINGS.get(value, value) if isinstance(value, str) else value

    @model_validator(mode="after")
    def _fold_context(self) -> RefactorRequest:
        if self.context:
            extra = f"Context:\n{self.context_text()}"
            self.instructions = f"{self.instructions or ''}\n\n{extra}".strip()
        return self


class FixRequest(CodeInput):
    error: str = Field(max_length=_MAX_TEXT, description="the error message or traceback")

    @model_validator(mode="after")
    def _fold_context(self) -> FixRequest:
        if self.context:
            self.error = f"{self.error}\n\nContext:\n{self.context_text()}"
        return self


class TranslateRequest(CodeInput):
    target_language: str = Field(min_length=1, max_length=40)


class TextAnswer(BaseModel):
    """An answer in prose: explain, find bugs, suggest."""

    conversation_id: int
    message_id: int
    action: str
    text: str
    items: list[str] = Field(default_factory=list, description="bullet points of the reply")
    citations: list[Citation] = Field(default_factory=list)
    provider: str
    model: str
    prompt_version: str


class CodeAnswer(BaseModel):
    """An answer in code: refactor, fix, translate. ``diff`` is a unified diff from the
    original to ``code`` that applies cleanly (empty for a translation)."""

    conversation_id: int
    message_id: int
    action: str
    language: str
    code: str
    diff: str
    explanation: str
    provider: str
    model: str
    prompt_version: str


# -- the verified generation loop ---------------------------------------------


class GenerateRequest(BaseModel):
    requirement: str = Field(max_length=20_000)
    language: str = "python"
    max_rounds: int = Field(default=3, ge=1, le=10)
    tests: str | None = Field(
        default=None, max_length=_MAX_TEXT, description="acceptance tests to use as given"
    )
    project: str | None = Field(
        default=None, description="change this ingested project instead of writing new code"
    )
    test_command: str | None = Field(
        default=None,
        max_length=2000,
        description="arguments for the project's test runner, e.g. 'tests/test_cart.py'",
    )
    max_tokens: int = Field(default=1024, ge=16, le=8192)
    temperature: float = Field(default=0.2, ge=0.0, le=2.0)
    timeout_seconds: float = Field(default=30, gt=0, le=600, description="per sandbox run")


class PlannedCase(BaseModel):
    """One case of a test plan."""

    name: str
    kind: Literal["example", "boundary", "error", "requirement"]
    target: str = ""
    inputs: str = ""
    expected: str = ""
    source: Literal["docstring", "signature", "branch", "model", "spec"]


class TestPlan(BaseModel):
    """Structured test cases for code and/or a requirement: what the verified loop writes
    its acceptance tests to (``companion.plans``) and what the Testing Lab plans and
    generates tests from (``testing.plan``)."""

    __test__ = False  # not a pytest class

    subject: str
    requirement: str | None = None
    cases: list[PlannedCase] = Field(default_factory=list)
    model_used: bool = False
    message: str = ""


class ResumeRequest(BaseModel):
    """Go on with a stopped verified loop (``POST .../generate/code/{id}/resume``)."""

    model_config = ConfigDict(extra="forbid")

    max_rounds: int | None = Field(
        default=None, ge=1, le=10, description="total rounds allowed (more than it had: go on)"
    )


def _strings(most: int, chars: int) -> dict:
    return {"type": "array", "items": {"type": "string", "maxLength": chars}, "maxItems": most}


# The spec's shape (issue 18): the local engines decode the spec request under this
# schema (llm/constrained.py), so even a small model's spec parses; the bounds keep a
# reply that loops inside a string finite. Other providers are asked as before.
SPEC_SCHEMA: dict = {
    "type": "object",
    "properties": {
        "summary": {"type": "string", "maxLength": 300},
        "function": {"type": "string", "pattern": "^[A-Za-z_][A-Za-z0-9_]{0,63}$"},
        "inputs": _strings(8, 120),
        "outputs": _strings(8, 120),
        "constraints": _strings(8, 160),
        "examples": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "input": {"type": "string", "maxLength": 160},
                    "output": {"type": "string", "maxLength": 160},
                },
                "required": ["input", "output"],
                "additionalProperties": False,
            },
            "maxItems": 6,
        },
        "acceptance_tests": _strings(8, 160),
    },
    "required": [
        "summary", "function", "inputs", "outputs", "constraints", "examples", "acceptance_tests"
    ],
    "additionalProperties": False,
}  # fmt: skip


class Spec(BaseModel):
    summary: str
    function: str | None = None
    inputs: list[str] = Field(default_factory=list)
    outputs: list[str] = Field(default_factory=list)
    constraints: list[str] = Field(default_factory=list)
    examples: list[dict[str, Any]] = Field(default_factory=list)
    acceptance_tests: list[str] = Field(default_factory=list)
    # model: the model's JSON; fallback: its reply was not JSON; requirement: a base
    # model's loop without a spec (given tests, or generate.BASE_MODEL_SPEC off)
    source: Literal["model", "fallback", "requirement"] = "model"


class TestSummary(BaseModel):
    __test__ = False  # not a pytest class

    total: int = 0
    passed: int = 0
    failed: int = 0
    error: int = 0
    skipped: int = 0


class Execution(BaseModel):
    """One sandbox run of the code and its tests, with output tails."""

    status: str
    exit_code: int | None
    passed: bool
    wall_ms: float
    stdout_tail: str
    stderr_tail: str
    tests: TestSummary
    failures: list[TestCaseResult] = Field(default_factory=list)
    execution_id: int | None = None


class Round(BaseModel):
    round: int
    status: Literal["passed", "failed", "unparsable"]
    code: str = Field(description="the code this round ran ('' when unparsable)")
    error: str | None = Field(default=None, description="why it failed, as fed back")
    execution: Execution | None = None
    provider: str = ""
    model: str = ""


class GenerationResult(BaseModel):
    verdict: Verdict
    summary: str
    requirement: str
    language: str
    spec: Spec
    code: str
    tests: str
    files: dict[str, str] = Field(description="file name -> content of the code and tests")
    plan: TestPlan | None = Field(
        default=None, description="the test plan the acceptance tests were written to"
    )
    rounds: list[Round]
    max_rounds: int
    conversation_id: int
    message_id: int


class ChangeResult(BaseModel):
    """The loop on an existing project: the changed files, their diff, every round."""

    verdict: Verdict
    summary: str
    project: str
    request: str
    language: str
    test_command: list[str]
    files: dict[str, str] = Field(description="changed or added files, full content")
    diff: str
    baseline: Execution | None = Field(description="the project's tests before the change")
    rounds: list[Round]
    max_rounds: int
    conversation_id: int
    message_id: int


# -- conversations and feedback -------------------------------------------------


class MessageInfo(BaseModel):
    id: int
    role: str
    action: str
    content: str
    citations: list[dict[str, Any]] = Field(default_factory=list)
    context_ids: list[str] = Field(default_factory=list)
    provider: str | None = None
    model: str | None = None
    prompt_version: str | None = None
    created_at: datetime


class ConversationInfo(BaseModel):
    id: int
    project: str | None
    kind: str
    title: str
    created_at: datetime
    updated_at: datetime
    messages: list[MessageInfo] = Field(default_factory=list)


_CONSENT = (
    "the correction may be used to train the team's models: it becomes an example of the "
    "next dataset version built from this project (only consented corrections are used)"
)


class FeedbackRequest(BaseModel):
    message_id: DbId
    rating: Rating | None = None
    correction: str | None = Field(default=None, max_length=_MAX_TEXT)
    # strict: consent is a JSON true/false, never read into "yes" or 1
    training_consent: bool = Field(default=False, strict=True, description=_CONSENT)


class FeedbackConsent(BaseModel):
    """``PATCH /feedback/{id}``: give or withdraw consent on feedback already given."""

    model_config = ConfigDict(extra="forbid")

    training_consent: bool = Field(strict=True, description=_CONSENT)


class FeedbackInfo(BaseModel):
    id: int
    message_id: int | None
    project_id: int | None = None  # the conversation's project when feedback was given
    rating: Rating | None
    correction: str | None
    training_consent: bool = False
    action: str
    prompt: list[dict[str, Any]]
    answer: str
    context_ids: list[str]
    model_version: str
    created_at: datetime


__all__ = [
    "SPEC_SCHEMA",
    "ActiveFile",
    "ChangeResult",
    "ChatAnswer",
    "ChatRequest",
    "Citation",
    "CodeAnswer",
    "CodeInput",
    "ConversationInfo",
    "Execution",
    "ExplainRequest",
    "FeedbackConsent",
    "FeedbackInfo",
    "FeedbackRequest",
    "FixRequest",
    "GenerateRequest",
    "GenerationResult",
    "MessageInfo",
    "ModelParams",
    "Rating",
    "RefactorKind",
    "RefactorRequest",
    "Round",
    "Selection",
    "Spec",
    "SuggestKind",
    "SuggestRequest",
    "TestSummary",
    "TextAnswer",
    "TranslateRequest",
    "Verdict",
]
