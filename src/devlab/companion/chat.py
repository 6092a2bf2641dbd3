"""``chat``: one turn of a multi-turn conversation about a project's code, with citations.

Reading order: check the message and the conversation -> store the user's turn ->
gather context (selection, retrieved chunks, earlier turns, open file, recent changes,
repo map) -> ``fit_context`` to the model's window -> render ``prompts/chat.j2`` ->
ask the model (streaming tokens to ``on_token``) -> find the sources the answer cites
-> store the answer with its citations, context ids and prompt.

Retrieved chunks are numbered [1], [2], ... in the prompt. The answer's citations are
the chunks it refers to (by [n] or by path); when it refers to none, every chunk the
prompt held is listed with ``cited`` false. A citation carries the chunk's licence when
that differs from the project's own (code that is not the user's).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import PurePosixPath

from devlab.codebase import ProjectRef, detect_language, require_snapshot, resolve_project
from devlab.companion.base_prompts import answer_continuation
from devlab.companion.context import (
    ChunkSource,
    ContextItem,
    chunk_sources,
    fit_context,
    project_licence,
    project_working_tree,
    recent_changes,
    snapshot_file,
)
from devlab.companion.conversations import (
    add_message,
    ask_model,
    complete_model,
    conversation_project,
    history,
    open_conversation,
)
from devlab.companion.errors import EmptyInput
from devlab.companion.models import ChatAnswer, ChatRequest, Citation
from devlab.companion.prompting import render_prompt
from devlab.errors import InvalidInput
from devlab.llm import ChatMessage, GenerationParams
from devlab.search import SearchRequest, repo_map, search
from devlab.store import Project
from devlab.workbench import Workbench

_CITE = re.compile(r"\[(\d+(?:\s*[,;]\s*\d+)*)\]")
REPO_MAP_TOKENS = 1024
PROMPT_OVERHEAD = 64  # template words around the context, roles, separators


def chat(
    bench: Workbench, req: ChatRequest, *, on_token: Callable[[str], None] | None = None
) -> ChatAnswer:
    """Answer ``req.message`` in its conversation (a new one when no id is given)."""
    question = req.message.strip()
    if not question:
        raise EmptyInput("the message is empty: ask a question or describe what you need")
    ref = resolve_project(bench.db, req.project) if req.project else None
    earlier: list[tuple[int, str, str]] = []
    if req.conversation_id is not None:  # 404 before anything else
        project_id = conversation_project(bench.db, req.conversation_id)
        if ref is None and project_id is not None:
            ref = resolve_project(bench.db, project_id)  # a follow-up keeps its project
        earlier = history(bench.db, req.conversation_id, req.history)

    # Context first: bad input (an unknown file, a bad selection) stores nothing.
    items, sources, licence = gather_context(bench, req, ref, question, earlier)
    count = lambda t: bench.llm.count_tokens("chat", t)  # noqa: E731
    bare = render_prompt("chat", **_template_values(req, ref, question, []))
    used = sum(count(m.content) for m in bare.messages) + PROMPT_OVERHEAD
    budget = bench.llm.context_window("chat") - req.max_tokens - used
    if budget < 0:
        raise InvalidInput(
            f"max_tokens={req.max_tokens} leaves no room for the question in the model's "
            f"{bench.llm.context_window('chat')}-token window; ask for fewer tokens"
        )
    kept = fit_context(items, budget, count)
    prompt = render_prompt("chat", **_template_values(req, ref, question, kept))
    turns = [ChatMessage(role=i.data["role"], content=i.text) for i in kept if i.kind == "history"]
    messages = [prompt.messages[0], *turns, prompt.messages[1]]
    params = GenerationParams(max_tokens=req.max_tokens, temperature=req.temperature)
    # The question is stored before the model is asked: a provider that fails loses nothing.
    conversation_id = open_conversation(
        bench.db,
        req.conversation_id,
        project_id=ref.id if ref else None,
        kind="chat",
        title=question[:120],
    )
    add_message(bench.db, conversation_id, "user", question, action="chat")
    if bench.llm.base_model("chat"):  # a base model continues a Q&A page (base_prompts)
        page = answer_continuation(question, _base_sources(kept), "base-chat")
        messages = [ChatMessage(role="user", content=page.text)]
        completion = complete_model(
            bench.llm,
            "chat",
            page.text,
            params.model_copy(update={"stop": page.stop}),
            conversation_id=conversation_id,
            prompt=page.rendered(),
            on_token=on_token,
        )
        text = completion.text.strip()
        if page.prefix:  # a code answer: the fence the page opened, closed
            text = f"{page.prefix}{completion.text.rstrip()}\n```"
        completion = completion.model_copy(update={"text": text})
    else:
        completion = ask_model(
            bench.llm,
            "chat",
            messages,
            params,
            conversation_id=conversation_id,
            on_token=on_token,
            prompt=prompt,
        )
    kept_refs = {i.data["ref"] for i in kept if i.kind == "chunk"}
    citations = cite(completion.text, [s for s in sources if s[0] in kept_refs], licence)
    context_ids = [i.id for i in kept]
    message_id = add_message(
        bench.db,
        conversation_id,
        "assistant",
        completion.text,
        action="chat",
        citations=[c.model_dump() for c in citations],
        context_ids=context_ids,
        prompt=messages,
        prompt_version=prompt.version,
        completion=completion,
    )
    return ChatAnswer(
        conversation_id=conversation_id,
        message_id=message_id,
        answer=completion.text,
        citations=citations,
        context=context_ids,
        provider=completion.provider,
        model=completion.model,
        prompt_version=prompt.version,
        usage=completion.usage.model_dump(),
    )


def gather_context(
    bench: Workbench,
    req: ChatRequest,
    ref: ProjectRef | None,
    question: str,
    earlier: list[tuple[int, str, str]],
) -> tuple[list[ContextItem], list[tuple[int, ChunkSource]], str | None]:
    """Candidate context items, the numbered chunk sources, and the project's licence."""
    items: list[ContextItem] = []
    sources: list[tuple[int, ChunkSource]] = []
    licence = None
    snapshot_id = require_snapshot(ref) if ref else None
    if req.active_file is not None:
        items.extend(_active_file_items(bench, req, snapshot_id))
    if ref is not None and snapshot_id is not None:
        licence = project_licence(bench.db, ref)
        if req.retrieve:
            hits = _retrieve(bench, ref.id, question, req.retrieve)
            for n, source in enumerate(chunk_sources(bench.db, snapshot_id, hits), 1):
                sources.append((n, source))
                meta = {
                    "path": source.path,
                    "start_line": source.start_line,
                    "end_line": source.end_line,
                    "symbol": source.symbol,
                    "language": source.language,
                }
                items.append(
                    ContextItem(
                        "chunk",
                        f"chunk:{source.chunk_id}",
                        source.content,
                        {"ref": n, "meta": meta},
                    )
                )
    for message_id, role, content in earlier:
        items.append(ContextItem("history", f"message:{message_id}", content, {"role": role}))
    if not earlier and req.conversation_history:  # turns the client kept (seed form)
        given = req.conversation_history[-req.history :] if req.history else []
        for n, turn in enumerate(given):
            items.append(ContextItem("history", f"given:{n}", turn.content, {"role": turn.role}))
    changes = _changes(bench, req, ref)
    if changes:
        items.append(ContextItem("changes", "changes", changes))
    if ref is not None:
        outline = repo_map(bench.db, ref.id, max_tokens=REPO_MAP_TOKENS)
        if outline.text:
            items.append(ContextItem("repomap", f"repomap:{outline.snapshot_id}", outline.text))
    elif req.project_structure:  # the client's own outline stands in for the repo map
        items.append(ContextItem("repomap", "structure", req.project_structure))
    return items, sources, licence


def _retrieve(bench: Workbench, project_id: int, question: str, limit: int) -> list:
    """Hybrid search; lexical alone when the project's embeddings cannot be used here
    (embedded with another model than the one configured)."""
    req = SearchRequest(project=str(project_id), query=question[:2000], limit=limit)
    try:
        return search(bench.db, bench.settings, req)
    except InvalidInput:
        return search(bench.db, bench.settings, req.model_copy(update={"mode": "lexical"}))


def _active_file_items(
    bench: Workbench, req: ChatRequest, snapshot_id: int | None
) -> list[ContextItem]:
    active = req.active_file
    assert active is not None
    content = active.content
    language = detect_language(active.path) or ""
    if content is None:
        if snapshot_id is None:
            raise InvalidInput("active_file needs its 'content', or a project that holds it")
        content, language, _ = snapshot_file(bench.db, snapshot_id, active.path)
    items = [ContextItem("file", f"file:{active.path}", content, {"language": language})]
    if active.selection is not None:
        lines = content.splitlines()
        start, end = active.selection.start_line, active.selection.end_line
        if start > end or start > len(lines):
            raise InvalidInput(
                f"selection {start}-{end} is outside {active.path} ({len(lines)} lines)"
            )
        items.insert(
            0,
            ContextItem(
                "selection",
                f"selection:{active.path}:{start}-{end}",
                "\n".join(lines[start - 1 : end]),
                {"language": language, "where": f"{active.path}:{start}-{end}"},
            ),
        )
    return items


def _changes(bench: Workbench, req: ChatRequest, ref: ProjectRef | None) -> str:
    if req.changes:
        return req.changes
    if req.working_tree:
        return recent_changes(req.working_tree)
    if ref is not None:
        with bench.db.session() as s:
            project = s.get(Project, ref.id)
            tree = project_working_tree(project.source if project else None)
        if tree is not None:
            try:
                return recent_changes(tree)
            except InvalidInput:
                return ""
    return ""


def _template_values(
    req: ChatRequest, ref: ProjectRef | None, question: str, kept: list[ContextItem]
) -> dict:
    by_kind: dict[str, list[ContextItem]] = {}
    for item in kept:
        by_kind.setdefault(item.kind, []).append(item)
    file_item = next(iter(by_kind.get("file", ())), None)
    selection = next(iter(by_kind.get("selection", ())), None)
    return {
        "project": ref.name if ref else None,
        "question": question,
        "repo_map": by_kind["repomap"][0].text if "repomap" in by_kind else "",
        "changes": by_kind["changes"][0].text if "changes" in by_kind else "",
        "active_file": {
            "path": req.active_file.path if req.active_file else "",
            "text": file_item.text,
            "language": file_item.data.get("language", ""),
        }
        if file_item
        else None,
        "selection": {
            "text": selection.text,
            "language": selection.data.get("language", ""),
            "where": selection.data.get("where", ""),
        }
        if selection
        else None,
        "sources": [_source_values(i) for i in by_kind.get("chunk", [])],
    }


def _base_sources(kept: list[ContextItem]) -> list[tuple[str, str, str]]:
    """The code a base model is shown: ``(label, language, text)`` per kept source,
    the open file and the selection."""
    out = []
    for item in kept:
        if item.kind == "chunk":
            meta = item.data.get("meta", {})
            where = (
                f"{meta.get('path', '')}:{meta.get('start_line', '')}-{meta.get('end_line', '')}"
            )
            out.append((f"[{item.data['ref']}] {where}", meta.get("language", ""), item.text))
        elif item.kind in ("file", "selection"):
            label = item.data.get("where") or item.id.removeprefix("file:")
            out.append((label, item.data.get("language", ""), item.text))
    return out


def _source_values(item: ContextItem) -> dict:
    return {"ref": item.data["ref"], "text": item.text, **item.data.get("meta", {})}


def cite(
    answer: str, sources: list[tuple[int, ChunkSource]], project_licence_: str | None
) -> list[Citation]:
    """The sources ``answer`` refers to, by ``[n]`` or by path; all of them (not cited)
    when it refers to none."""
    numbers: set[int] = set()
    for match in _CITE.finditer(answer):
        numbers.update(int(n) for n in re.split(r"\s*[,;]\s*", match.group(1)))
    referred = {
        n
        for n, s in sources
        if n in numbers or s.path in answer or (PurePosixPath(s.path).name + ":") in answer
    }

    def citation(n: int, s: ChunkSource, cited: bool) -> Citation:
        foreign = s.licence if s.licence and s.licence != project_licence_ else None
        return Citation(
            ref=n,
            path=s.path,
            start_line=s.start_line,
            end_line=s.end_line,
            symbol=s.symbol,
            licence=foreign,
            cited=cited,
        )

    if referred:
        return [citation(n, s, True) for n, s in sources if n in referred]
    return [citation(n, s, False) for n, s in sources]


__all__ = ["chat", "cite", "gather_context"]
