"""REST door of the Dev Companion (the seed's names, plus a few of the same kind):

* ``POST /api/v1/devlab/companion/chat``: one chat turn -> ``ChatAnswer`` (cited);
* ``WS /api/v1/devlab/companion/stream``: the same, streaming tokens;
* ``POST /api/v1/devlab/companion/suggest`` and ``/companion/find-bugs`` -> ``TextAnswer``;
* ``GET|DELETE /api/v1/devlab/companion/conversations[/{id}]``;
* ``POST /api/v1/devlab/explain`` -> ``TextAnswer``;
* ``POST /api/v1/devlab/generate/fix``, ``/generate/refactor``, ``/generate/translate``
  -> ``CodeAnswer`` (with a unified diff for fix and refactor);
* ``POST /api/v1/devlab/generate/code``: the verified loop as a job (202); its SSE
  stream at ``/api/v1/devlab/jobs/{id}/events`` has a log line and a progress event
  per round;
* ``POST|GET /api/v1/devlab/feedback``; ``PATCH /api/v1/devlab/feedback/{id}`` gives
  or withdraws consent to train on a correction (``training_consent``).

Model calls block, so the handlers are plain functions (FastAPI runs them in its
thread pool).
"""

from __future__ import annotations

import contextlib
import json

from fastapi import APIRouter, Depends, Query, WebSocket, WebSocketDisconnect
from fastapi.responses import JSONResponse
from pydantic import ValidationError

from devlab.apitypes import DbId
from devlab.codebase import resolve_project
from devlab.companion import (
    ChatAnswer,
    ChatRequest,
    CodeAnswer,
    CodeInput,
    ConversationInfo,
    ExplainRequest,
    FeedbackConsent,
    FeedbackInfo,
    FeedbackRequest,
    FixRequest,
    GenerateRequest,
    RefactorRequest,
    ResumeRequest,
    SuggestRequest,
    TextAnswer,
    TranslateRequest,
    chat,
    delete_conversation,
    explain,
    find_bugs,
    fix,
    get_conversation,
    list_conversations,
    list_feedback,
    record_feedback,
    refactor,
    resume_generation_job,
    set_training_consent,
    submit_generation,
    suggest,
    translate,
)
from devlab.errors import DevLabError, InvalidInput, describe_validation_errors
from devlab.webtools import (
    Principal,
    authorize_message,
    principal,
    pump_thread,
    send_error_frame,
    workbench,
)
from devlab.workbench import Workbench

router = APIRouter(prefix="/api/v1/devlab", tags=["companion"])


@router.post("/companion/chat", response_model=ChatAnswer)
def chat_turn(body: ChatRequest, bench: Workbench = Depends(workbench)) -> ChatAnswer:
    """Answer a message in its conversation (a new one without ``conversation_id``),
    with context from the project and citations of the sources used."""
    return chat(bench, body)


@router.post("/companion/suggest", response_model=TextAnswer)
def suggest_route(body: SuggestRequest, bench: Workbench = Depends(workbench)) -> TextAnswer:
    """Optimisation, security or refactoring suggestions for code or a project symbol."""
    return suggest(bench, body)


@router.post("/companion/find-bugs", response_model=TextAnswer)
def bugs_route(body: CodeInput, bench: Workbench = Depends(workbench)) -> TextAnswer:
    """The bugs the model finds, one item per bug."""
    return find_bugs(bench, body)


@router.get("/companion/conversations", response_model=list[ConversationInfo])
def conversations(
    project: str | None = Query(None, description="only this project's (name or id)"),
    limit: int = Query(50, ge=1, le=1000),
    bench: Workbench = Depends(workbench),
    who: Principal = Depends(principal),
) -> list[ConversationInfo]:
    project_id = resolve_project(bench.db, project).id if project else None
    return list_conversations(
        bench.db, project_id=project_id, limit=limit, visible=who.visibility()
    )


@router.get("/companion/conversations/{conversation_id}", response_model=ConversationInfo)
def conversation(conversation_id: DbId, bench: Workbench = Depends(workbench)) -> ConversationInfo:
    return get_conversation(bench.db, conversation_id)


@router.delete("/companion/conversations/{conversation_id}", status_code=204)
def forget_conversation(conversation_id: DbId, bench: Workbench = Depends(workbench)) -> None:
    delete_conversation(bench.db, conversation_id)


@router.post("/explain", response_model=TextAnswer)
def explain_route(body: ExplainRequest, bench: Workbench = Depends(workbench)) -> TextAnswer:
    """Explain code, or a symbol of a project (``project`` + ``symbol``)."""
    return explain(bench, body)


@router.post("/generate/fix", response_model=CodeAnswer)
def fix_route(body: FixRequest, bench: Workbench = Depends(workbench)) -> CodeAnswer:
    """Code + its error -> the patched code and a unified diff."""
    return fix(bench, body)


@router.post("/generate/refactor", response_model=CodeAnswer)
def refactor_route(body: RefactorRequest, bench: Workbench = Depends(workbench)) -> CodeAnswer:
    """Extract a method, simplify or optimise -> the new code and a unified diff."""
    return refactor(bench, body)


@router.post("/generate/translate", response_model=CodeAnswer)
def translate_route(body: TranslateRequest, bench: Workbench = Depends(workbench)) -> CodeAnswer:
    """The code in another language."""
    return translate(bench, body)


@router.post("/generate/code", status_code=202, responses={202: {"description": "the job"}})
def generate_route(body: GenerateRequest, bench: Workbench = Depends(workbench)) -> JSONResponse:
    """Requirement -> spec -> code + acceptance tests -> run in the sandbox -> repair, up
    to ``max_rounds`` (with ``project``: change that project, run its tests). Returns
    the job (202); its result holds the verdict, the code, the tests and every round."""
    job = submit_generation(bench, body)
    return JSONResponse(job.model_dump(mode="json"), status_code=202)


@router.post(
    "/generate/code/{conversation_id}/resume",
    status_code=202,
    responses={202: {"description": "the job"}},
)
def resume_route(
    conversation_id: DbId, body: ResumeRequest, bench: Workbench = Depends(workbench)
) -> JSONResponse:
    """Go on with a verified loop that stopped (a provider timeout, a crash) from its last
    finished round, with the same spec and tests; ``max_rounds`` gives a failed loop more
    rounds. 404 when the conversation holds no generation, 409 when it passed already or
    has no rounds left. Returns the job (202), like ``POST /generate/code``."""
    job = resume_generation_job(bench, conversation_id, max_rounds=body.max_rounds)
    return JSONResponse(job.model_dump(mode="json"), status_code=202)


@router.post("/feedback", response_model=FeedbackInfo, status_code=201)
def feedback(body: FeedbackRequest, bench: Workbench = Depends(workbench)) -> FeedbackInfo:
    """Thumbs up/down and/or a correction on an answer (its ``message_id``). With
    ``training_consent: true`` the correction may train the team's models."""
    return record_feedback(bench.db, body)


@router.patch("/feedback/{feedback_id}", response_model=FeedbackInfo)
def feedback_consent(
    feedback_id: DbId, body: FeedbackConsent, bench: Workbench = Depends(workbench)
) -> FeedbackInfo:
    """Give (``true``) or withdraw (``false``) consent to train on this correction;
    the next dataset version follows it."""
    return set_training_consent(bench.db, feedback_id, body.training_consent)


@router.get("/feedback", response_model=list[FeedbackInfo])
def feedback_list(
    limit: int = Query(100, ge=1, le=100_000),
    bench: Workbench = Depends(workbench),
    who: Principal = Depends(principal),
) -> list[FeedbackInfo]:
    return list_feedback(bench.db, limit=limit, visible=who.visibility())


@router.websocket("/companion/stream")
async def chat_stream(ws: WebSocket) -> None:
    """First message: a chat request (JSON, as for ``/companion/chat``). Frames out:
    ``{"type": "token", "data"}``... then ``{"type": "answer", "answer": ChatAnswer}``;
    a failure is ``{"type": "error", "status", "error", "detail"}``. A client that leaves
    mid-answer does not stop it: the answer is still stored in the conversation."""
    await ws.accept()
    bench: Workbench = ws.app.state.workbench
    try:
        raw = await ws.receive_text()
    except WebSocketDisconnect:
        return
    try:
        request = ChatRequest.model_validate_json(raw)
    except ValidationError as exc:
        problems = describe_validation_errors(exc.errors(), "body")
        await send_error_frame(ws, InvalidInput(f"invalid request: {problems}"))
        return
    try:  # the projects the message names: 404 unseen, 403 role too low
        await authorize_message(ws, "WS /api/v1/devlab/companion/stream", json.loads(raw))
    except DevLabError as exc:
        await send_error_frame(ws, exc)
        return

    async def send_token(piece: str) -> None:
        try:
            await ws.send_json({"type": "token", "data": piece})
        except (WebSocketDisconnect, RuntimeError) as exc:
            raise _ClientGone from exc

    try:
        answer: ChatAnswer = await pump_thread(
            lambda emit: chat(bench, request, on_token=emit), send_token
        )
    except _ClientGone:
        return  # the client left; the thread finishes and stores the answer
    except DevLabError as error:
        await send_error_frame(ws, error)
        return
    except Exception as error:  # reported to the client as a 500 frame
        await send_error_frame(ws, DevLabError(f"internal error: {type(error).__name__}: {error}"))
        return
    with contextlib.suppress(WebSocketDisconnect, RuntimeError):
        await ws.send_json({"type": "answer", "answer": answer.model_dump(mode="json")})
        await ws.close()


class _ClientGone(Exception):
    """The WebSocket's client left while an answer streamed."""


__all__ = ["router"]
