"""Conversations, their messages, feedback, and the one way the companion asks a model.

Every answer (a chat turn, an explanation, a fix, a generation) is an assistant message
in a conversation, stored with the prompt that produced it, the ids of its context and
the provider and model; feedback copies those, so the training pipeline can read
feedback alone. The user's message is stored before the model is asked, so a provider
that is down loses nothing: the error names the provider and carries the
conversation id.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import delete, select, update

from devlab.actor import current_user_id
from devlab.companion.models import (
    ConversationInfo,
    FeedbackInfo,
    FeedbackRequest,
    MessageInfo,
)
from devlab.companion.prompting import Prompt
from devlab.errors import InvalidInput, NotFound
from devlab.llm import (
    ChatMessage,
    Completion,
    GenerationParams,
    LLMService,
    ProviderError,
    RenderedPrompt,
)
from devlab.store import (
    Conversation,
    Database,
    FeedbackRow,
    MessageRow,
    Project,
    Visibility,
    utcnow,
    visible_clause,
)


def _not_found(conversation_id: int) -> NotFound:
    return NotFound(
        f"no conversation {conversation_id}: list them with "
        "GET /api/v1/devlab/companion/conversations, or leave the id out to start one"
    )


def open_conversation(
    db: Database,
    conversation_id: int | None,
    *,
    project_id: int | None = None,
    kind: str = "chat",
    title: str = "",
) -> int:
    """The id of conversation ``conversation_id`` (404 when unknown), or of a new one."""
    with db.session() as s:
        if conversation_id is not None:
            if s.get(Conversation, conversation_id) is None:
                raise _not_found(conversation_id)
            return conversation_id
        row = Conversation(
            project_id=project_id, kind=kind, title=title[:200], user_id=current_user_id()
        )
        s.add(row)
        s.flush()
        return row.id


def save_state(db: Database, conversation_id: int, state: dict[str, Any]) -> None:
    """Record a long action's resumable state on its conversation (encrypted at rest
    like its messages); the verified loop saves its rounds here."""
    with db.session() as s:
        row = s.get(Conversation, conversation_id)
        if row is None:
            raise _not_found(conversation_id)
        row.state = state


def load_state(db: Database, conversation_id: int) -> dict[str, Any] | None:
    """The state ``save_state`` recorded (None when there is none); 404 when unknown."""
    with db.session() as s:
        row = s.get(Conversation, conversation_id)
        if row is None:
            raise _not_found(conversation_id)
        return dict(row.state) if row.state else None


def conversation_project(db: Database, conversation_id: int) -> int | None:
    """The project of conversation ``conversation_id`` (404 when there is no such one)."""
    with db.session() as s:
        row = s.get(Conversation, conversation_id)
        if row is None:
            raise _not_found(conversation_id)
        return row.project_id


def add_message(
    db: Database,
    conversation_id: int,
    role: str,
    content: str,
    *,
    action: str = "chat",
    citations: list[dict[str, Any]] | None = None,
    context_ids: list[str] | None = None,
    prompt: list[ChatMessage] | None = None,
    prompt_version: str | None = None,
    completion: Completion | None = None,
) -> int:
    with db.session() as s:
        row = MessageRow(
            conversation_id=conversation_id,
            role=role,
            action=action,
            content=content,
            citations=citations or [],
            context_ids=context_ids or [],
            prompt=[m.model_dump() for m in prompt] if prompt is not None else None,
            prompt_version=prompt_version,
            provider=completion.provider if completion else None,
            model=completion.model if completion else None,
            usage=completion.usage.model_dump() if completion else None,
        )
        s.add(row)
        s.execute(
            update(Conversation)
            .where(Conversation.id == conversation_id)
            .values(updated_at=utcnow())
        )
        s.flush()
        return row.id


def history(db: Database, conversation_id: int, limit: int) -> list[tuple[int, str, str]]:
    """The last ``limit`` messages as ``(id, role, content)``, oldest first."""
    if limit <= 0:
        return []
    with db.session() as s:
        rows = s.execute(
            select(MessageRow.id, MessageRow.role, MessageRow.content)
            .where(MessageRow.conversation_id == conversation_id)
            .order_by(MessageRow.id.desc())
            .limit(limit)
        ).all()
    return [(r[0], r[1], r[2]) for r in reversed(rows)]


def ask_model(
    llm: LLMService,
    task: str,
    messages: list[ChatMessage],
    params: GenerationParams,
    *,
    conversation_id: int,
    on_token: Callable[[str], None] | None = None,
    prompt: Prompt | None = None,
) -> Completion:
    """``llm.chat`` with provider failures made self-explaining: the error (502/504)
    names the provider(s) and carries the conversation id, which is kept. ``prompt``
    (the template) is recorded with the request's usage."""
    rendered = prompt.rendered() if prompt is not None else None
    try:
        return llm.chat(task, messages, params, on_token=on_token, prompt=rendered)
    except ProviderError as exc:
        raise _explained(exc, llm, task, conversation_id)  # noqa: B904 (the same exception)


def complete_model(
    llm: LLMService,
    task: str,
    text: str,
    params: GenerationParams,
    *,
    conversation_id: int,
    prompt: RenderedPrompt | None = None,
    on_token: Callable[[str], None] | None = None,
    stop_when: Callable[[str], int | None] | None = None,
) -> Completion:
    """``llm.complete`` (text continued, no chat turns: a base model's way), with
    provider failures explained as ``ask_model`` does; ``stop_when`` see there."""
    try:
        return llm.complete(
            task, text, params, prompt=prompt, on_token=on_token, stop_when=stop_when
        )
    except ProviderError as exc:
        raise _explained(exc, llm, task, conversation_id)  # noqa: B904 (the same exception)


def _explained(
    exc: ProviderError, llm: LLMService, task: str, conversation_id: int
) -> ProviderError:
    names = [p.name for p in llm.chain(task)]
    message = exc.message
    if not any(name in message for name in names):
        message = f"language model provider {', '.join(names)} failed: {message}"
    # the same exception (its class carries the 502/504), told more
    exc.message = f"{message} (conversation {conversation_id} is kept; retry later)"
    exc.detail = {**exc.detail, "providers": names, "conversation_id": conversation_id}
    exc.args = (exc.message,)
    return exc


# -- reading conversations --------------------------------------------------------


def _message_info(row: MessageRow) -> MessageInfo:
    return MessageInfo(
        id=row.id,
        role=row.role,
        action=row.action,
        content=row.content,
        citations=row.citations or [],
        context_ids=row.context_ids or [],
        provider=row.provider,
        model=row.model,
        prompt_version=row.prompt_version,
        created_at=row.created_at,
    )


def get_conversation(db: Database, conversation_id: int) -> ConversationInfo:
    with db.session() as s:
        row = s.get(Conversation, conversation_id)
        if row is None:
            raise _not_found(conversation_id)
        project = s.get(Project, row.project_id) if row.project_id else None
        messages = s.scalars(
            select(MessageRow)
            .where(MessageRow.conversation_id == conversation_id)
            .order_by(MessageRow.id)
        ).all()
        return ConversationInfo(
            id=row.id,
            project=project.name if project else None,
            kind=row.kind,
            title=row.title,
            created_at=row.created_at,
            updated_at=row.updated_at,
            messages=[_message_info(m) for m in messages],
        )


def list_conversations(
    db: Database,
    *,
    project_id: int | None = None,
    limit: int = 50,
    visible: Visibility | None = None,
) -> list[ConversationInfo]:
    """Newest first, without their messages (only the ``visible`` ones, when given)."""
    if not 1 <= limit <= 1000:
        raise InvalidInput("limit must be between 1 and 1000")
    with db.session() as s:
        q = select(Conversation, Project.name).outerjoin(
            Project, Project.id == Conversation.project_id
        )
        if project_id is not None:
            q = q.where(Conversation.project_id == project_id)
        if visible is not None:
            q = q.where(visible_clause(visible, Conversation.project_id, Conversation.user_id))
        rows = s.execute(
            q.order_by(Conversation.updated_at.desc(), Conversation.id.desc()).limit(limit)
        )
        return [
            ConversationInfo(
                id=c.id,
                project=name,
                kind=c.kind,
                title=c.title,
                created_at=c.created_at,
                updated_at=c.updated_at,
            )
            for c, name in rows
        ]


def delete_conversation(db: Database, conversation_id: int) -> None:
    """Delete a conversation and its messages; feedback on them keeps its copy."""
    with db.session() as s:
        if s.get(Conversation, conversation_id) is None:
            raise _not_found(conversation_id)
        s.execute(delete(MessageRow).where(MessageRow.conversation_id == conversation_id))
        s.execute(delete(Conversation).where(Conversation.id == conversation_id))


# -- feedback ---------------------------------------------------------------------


def _feedback_info(row: FeedbackRow) -> FeedbackInfo:
    return FeedbackInfo.model_validate(row, from_attributes=True)


def record_feedback(db: Database, req: FeedbackRequest) -> FeedbackInfo:
    """Store a rating and/or correction on an answer, with a copy of what produced it."""
    correction = (req.correction or "").strip() or None
    if req.rating is None and correction is None:
        raise InvalidInput("give a rating ('up' or 'down'), a correction, or both")
    with db.session() as s:
        message = s.get(MessageRow, req.message_id)
        if message is None:
            raise NotFound(f"no message {req.message_id}: feedback needs the id of an answer")
        if message.role != "assistant":
            raise InvalidInput(
                f"message {req.message_id} is the user's; give feedback on an answer"
            )
        conversation = s.get(Conversation, message.conversation_id)
        row = FeedbackRow(
            message_id=message.id,
            project_id=conversation.project_id if conversation else None,
            rating=req.rating,
            correction=correction,
            training_consent=req.training_consent,
            action=message.action,
            prompt=message.prompt or [],
            answer=message.content,
            context_ids=message.context_ids or [],
            model_version=f"{message.provider or '?'}:{message.model or '?'}",
        )
        s.add(row)
        s.flush()
        return _feedback_info(row)


def set_training_consent(db: Database, feedback_id: int, consent: bool) -> FeedbackInfo:
    """Give or withdraw consent to train on feedback ``feedback_id``'s correction. A
    withdrawal applies from the next dataset version on; versions already built keep
    their examples (delete them to remove it there too)."""
    with db.session() as s:
        row = s.get(FeedbackRow, feedback_id)
        if row is None:
            raise NotFound(
                f"no feedback {feedback_id}: list it with GET /api/v1/devlab/feedback "
                "or `devlab feedback`"
            )
        row.training_consent = consent
        s.flush()
        return _feedback_info(row)


def list_feedback(
    db: Database, *, limit: int = 100, visible: Visibility | None = None
) -> list[FeedbackInfo]:
    """Newest first (the training pipeline reads these); only the ``visible`` projects'
    when given."""
    if not 1 <= limit <= 100_000:
        raise InvalidInput("limit must be between 1 and 100000")
    with db.session() as s:
        q = select(FeedbackRow)
        if visible is not None:
            q = q.where(visible_clause(visible, FeedbackRow.project_id))
        rows = s.scalars(q.order_by(FeedbackRow.id.desc()).limit(limit))
        return [_feedback_info(r) for r in rows]


__all__ = [
    "add_message",
    "ask_model",
    "conversation_project",
    "delete_conversation",
    "get_conversation",
    "history",
    "list_conversations",
    "list_feedback",
    "open_conversation",
    "record_feedback",
    "set_training_consent",
]
