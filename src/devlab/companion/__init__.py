"""The Dev Companion: chat about a project's code (cited), explain, find bugs, refactor,
fix, translate, suggest, and the verified generate -> run -> repair loop.

Public API (the CLI and REST doors import only from here)::

    chat(bench, ChatRequest, on_token=None) -> ChatAnswer
    explain / find_bugs / suggest(bench, request) -> TextAnswer
    refactor / fix / translate(bench, request) -> CodeAnswer
    generate_code(bench, GenerateRequest) -> GenerationResult      (new code)
    generate_change(bench, GenerateRequest) -> ChangeResult        (an existing project)
    submit_generation / run_generation(bench, GenerateRequest)     (as a job)
    resume_generation_job(bench, conversation_id, max_rounds=None, wait=False)
    plan_from_spec(spec, requirement) -> TestPlan     (the loop's test plan; testing's shape)
    record_feedback(db, FeedbackRequest) -> FeedbackInfo
    set_training_consent(db, feedback_id, consent) -> FeedbackInfo   (give / withdraw)
    get_conversation / list_conversations / delete_conversation(db, ...)
"""

from devlab.companion.actions import explain, find_bugs, fix, refactor, suggest, translate
from devlab.companion.change import generate_change
from devlab.companion.chat import chat
from devlab.companion.conversations import (
    delete_conversation,
    get_conversation,
    list_conversations,
    list_feedback,
    record_feedback,
    set_training_consent,
)
from devlab.companion.diffs import apply_diff, unified_diff
from devlab.companion.errors import EmptyInput, UnparsableCode
from devlab.companion.generate import generate_code
from devlab.companion.jobs import resume_generation_job, run_generation, submit_generation
from devlab.companion.models import (
    ActiveFile,
    ChangeResult,
    ChatAnswer,
    ChatRequest,
    Citation,
    CodeAnswer,
    CodeInput,
    ConversationInfo,
    Execution,
    ExplainRequest,
    FeedbackConsent,
    FeedbackInfo,
    FeedbackRequest,
    FixRequest,
    GenerateRequest,
    GenerationResult,
    MessageInfo,
    PlannedCase,
    RefactorRequest,
    ResumeRequest,
    Round,
    Selection,
    Spec,
    SuggestRequest,
    TestPlan,
    TextAnswer,
    TranslateRequest,
)
from devlab.companion.plans import plan_from_spec

__all__ = [
    "ActiveFile",
    "ChangeResult",
    "ChatAnswer",
    "ChatRequest",
    "Citation",
    "CodeAnswer",
    "CodeInput",
    "ConversationInfo",
    "EmptyInput",
    "Execution",
    "ExplainRequest",
    "FeedbackConsent",
    "FeedbackInfo",
    "FeedbackRequest",
    "FixRequest",
    "GenerateRequest",
    "GenerationResult",
    "MessageInfo",
    "PlannedCase",
    "RefactorRequest",
    "ResumeRequest",
    "Round",
    "Selection",
    "Spec",
    "SuggestRequest",
    "TestPlan",
    "TextAnswer",
    "TranslateRequest",
    "UnparsableCode",
    "apply_diff",
    "chat",
    "delete_conversation",
    "explain",
    "find_bugs",
    "fix",
    "generate_change",
    "generate_code",
    "get_conversation",
    "list_conversations",
    "list_feedback",
    "plan_from_spec",
    "record_feedback",
    "refactor",
    "resume_generation_job",
    "run_generation",
    "set_training_consent",
    "submit_generation",
    "suggest",
    "translate",
    "unified_diff",
]
