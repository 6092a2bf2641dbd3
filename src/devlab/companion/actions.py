"""The one-shot actions: explain, find bugs, suggest, refactor, fix, translate.

Each takes code inline, or a symbol or file of an ingested project (read back from its
snapshot), renders its template from ``prompts/``, asks the model for its task, and
stores the exchange as a conversation so the answer can get feedback. Actions that
answer in code (refactor, fix, translate) extract the code and check that it parses;
a reply without such code is ``UnparsableCode`` (422). Refactor and fix return a
unified diff from the original that is proven to apply.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass

from devlab.codebase import detect_language, require_snapshot, resolve_project
from devlab.companion.base_prompts import (
    Continuation,
    answer_continuation,
    review_continuation,
    rewrite_continuation,
)
from devlab.companion.context import project_licence, snapshot_file
from devlab.companion.conversations import (
    add_message,
    ask_model,
    complete_model,
    open_conversation,
)
from devlab.companion.diffs import checked_diff
from devlab.companion.errors import EmptyInput, UnparsableCode
from devlab.companion.models import (
    Citation,
    CodeAnswer,
    CodeInput,
    ExplainRequest,
    FixRequest,
    RefactorRequest,
    SuggestRequest,
    TextAnswer,
    TranslateRequest,
)
from devlab.companion.prompting import Prompt, extract_code, prose, render_prompt
from devlab.errors import InvalidInput, NotFound
from devlab.llm import ChatMessage, Completion, GenerationParams
from devlab.sandbox import ALIASES
from devlab.search import definitions
from devlab.workbench import Workbench

REFACTOR_GOALS = {
    "extract_method": "extract a well-named function or method from the longest or most "
    "repeated part, and call it where the code was",
    "simplify": "make it simpler and clearer (fewer branches, clearer names, no dead code)",
    "optimise": "make it faster or use less memory, keeping the same results",
}
_BULLET = re.compile(r"^\s*(?:[-*\u2022]|\d+[.)])\s+(.*\S)")


@dataclass
class CodeSubject:
    """The code an action works on, and where it came from."""

    code: str
    language: str
    path: str | None
    where: str  # "shop/cart.py:12-20 (Cart.total)", or "" for inline code
    project_id: int | None
    citation: Citation | None
    file_text: str | None = None  # the whole file, when the code is part of a project's
    start_line: int = 1  # where ``code`` starts in ``file_text``
    end_line: int = 0

    def with_new_code(self, new: str) -> tuple[str, str]:
        """``(original, changed)`` of the whole file (or the inline code) after the code
        is replaced by ``new``, for a diff that applies to the file itself."""
        if self.file_text is None:
            return self.code, new
        lines = self.file_text.splitlines(keepends=True)
        before, after = lines[: self.start_line - 1], lines[self.end_line :]
        return self.file_text, "".join(before) + new + "".join(after)


def normalise_language(name: str | None) -> str:
    key = (name or "").strip().lower()
    return ALIASES.get(key, key)


def code_subject(bench: Workbench, req: CodeInput) -> CodeSubject:
    """Inline code, else the project's symbol, else the project's file at ``path``."""
    ref = resolve_project(bench.db, req.project) if req.project else None
    if req.code is not None and req.code.strip():
        language = normalise_language(req.language) or detect_language(req.path or "") or ""
        project_id = ref.id if ref else None
        return CodeSubject(req.code, language, req.path, req.path or "", project_id, None)
    if ref is None or not (req.symbol or req.path):
        raise EmptyInput("no code given: send 'code', or a 'project' with a 'symbol' or a 'path'")
    snapshot_id = require_snapshot(ref)
    own = project_licence(bench.db, ref)
    if req.symbol:
        found = definitions(bench.db, ref.id, req.symbol, limit=1)
        if not found:
            raise NotFound(
                f"no symbol {req.symbol!r} in project {ref.name!r}: "
                "find names with `devlab symbols`"
            )
        sym = found[0]
        text, language, licence = snapshot_file(bench.db, snapshot_id, sym.path)
        code = "\n".join(text.splitlines()[sym.start_line - 1 : sym.end_line]) + "\n"
        start, end = sym.start_line, sym.end_line
        where = f"{sym.path}:{start}-{end} ({sym.qualname})"
        path, symbol = sym.path, sym.qualname
    else:
        assert req.path is not None
        text, language, licence = snapshot_file(bench.db, snapshot_id, req.path)
        code = text
        start, end = 1, max(1, len(code.splitlines()))
        where, path, symbol = f"{req.path}:{start}-{end}", req.path, None
    citation = Citation(
        ref=1,
        path=path,
        start_line=start,
        end_line=end,
        symbol=symbol,
        licence=licence if licence and licence != own else None,
        cited=True,
    )
    language = normalise_language(req.language) or language
    return CodeSubject(code, language, path, where, ref.id, citation, text, start, end)


def _exchange(
    bench: Workbench,
    action: str,
    task: str,
    prompt: Prompt,
    req_params: CodeInput,
    subject: CodeSubject,
    base: Continuation | None = None,
) -> tuple[int, int, Completion]:
    """Store the request, ask the model, store the answer: (conversation, message, reply).
    ``base``: a page for a base model to continue instead of the chat prompt (stored as
    the prompt, since it is what the model saw)."""
    user_text = prompt.messages[-1].content
    conversation_id = open_conversation(
        bench.db,
        req_params.conversation_id,
        project_id=subject.project_id,
        kind=action,
        title=f"{action}: {subject.where or subject.code.strip().splitlines()[0][:80]}",
    )
    add_message(bench.db, conversation_id, "user", user_text, action=action)
    params = GenerationParams(max_tokens=req_params.max_tokens, temperature=req_params.temperature)
    if base is not None:
        completion = complete_model(
            bench.llm,
            task,
            base.text,
            params.model_copy(update={"stop": base.stop}),
            conversation_id=conversation_id,
            prompt=base.rendered(),
        )
        completion = completion.model_copy(update={"text": base_reply(base, completion.text)})
    else:
        completion = ask_model(
            bench.llm, task, prompt.messages, params, conversation_id=conversation_id, prompt=prompt
        )
    context = [f"file:{subject.path}"] if subject.project_id and subject.path else []
    message_id = add_message(
        bench.db,
        conversation_id,
        "assistant",
        completion.text,
        action=action,
        citations=[subject.citation.model_dump()] if subject.citation else [],
        context_ids=context,
        prompt=[ChatMessage(role="user", content=base.text)] if base else prompt.messages,
        prompt_version=prompt.version,
        completion=completion,
    )
    return conversation_id, message_id, completion


def base_reply(page: Continuation, text: str) -> str:
    """A base model's continuation as an answer: the part of the page it continued
    (an opened list, an opened code block, closed again) in front of its text."""
    if page.prefix.startswith("```"):
        return f"{page.prefix}{text.rstrip()}\n```"
    answer = (page.prefix + text).strip()
    most = REVIEW_ITEMS.get(page.name)
    return _distinct_lines(answer, most) if most else answer


# A base model's review list goes on until max_tokens, mostly repeating its first item
# with the next line number ("- line 28: x", "- line 29: x", ...): keep the distinct items.
REVIEW_ITEMS = {"base-bugs": 10, "base-suggest": 5}


def _distinct_lines(answer: str, most: int) -> str:
    """The first ``most`` lines of ``answer`` that differ in more than numbers and
    punctuation from every earlier one."""
    kept: list[str] = []
    seen: set[str] = set()
    for line in answer.splitlines():
        key = " ".join(re.sub(r"[\W\d_]+", " ", line).lower().split())
        if key in seen:
            continue
        seen.add(key)
        kept.append(line)
        if len(kept) == most:
            break
    return "\n".join(kept)


def _text_answer(
    bench: Workbench,
    action: str,
    task: str,
    prompt: Prompt,
    req: CodeInput,
    subject: CodeSubject,
    base: Continuation | None = None,
) -> TextAnswer:
    conversation_id, message_id, completion = _exchange(
        bench, action, task, prompt, req, subject, base
    )
    items = [m.group(1) for line in completion.text.splitlines() if (m := _BULLET.match(line))]
    return TextAnswer(
        conversation_id=conversation_id,
        message_id=message_id,
        action=action,
        text=completion.text,
        items=items,
        citations=[subject.citation] if subject.citation else [],
        provider=completion.provider,
        model=completion.model,
        prompt_version=prompt.version,
    )


def explain(bench: Workbench, req: ExplainRequest) -> TextAnswer:
    """What the code (or the project's symbol) does, in prose."""
    subject = code_subject(bench, req)
    prompt = render_prompt(
        "explain",
        code=subject.code,
        language=subject.language,
        where=subject.where,
        question=(req.question or "").strip(),
    )
    base = None
    if bench.llm.base_model("explain"):  # a base model continues a Q&A page
        question = (req.question or "").strip() or "What does this code do?"
        code = [(subject.where or "", subject.language or "", subject.code)]
        base = answer_continuation(question, code, "base-explain")
    return _text_answer(bench, "explain", "explain", prompt, req, subject, base)


def find_bugs(bench: Workbench, req: CodeInput) -> TextAnswer:
    """The bugs the model sees, one item per bug ("line N: problem -> fix")."""
    subject = code_subject(bench, req)
    numbered = "\n".join(
        f"{n:>4}  {line}" for n, line in enumerate(subject.code.splitlines(), subject.start_line)
    )
    prompt = render_prompt(
        "bugs", numbered=numbered, language=subject.language, where=subject.where
    )
    base = None
    if bench.llm.base_model("explain"):  # a base model continues a code review
        base = review_continuation("bugs", numbered, subject.language, subject.where)
    return _text_answer(bench, "bugs", "explain", prompt, req, subject, base)


def suggest(bench: Workbench, req: SuggestRequest) -> TextAnswer:
    """Up to five optimisation, security or refactoring suggestions."""
    subject = code_subject(bench, req)
    kind = {"optimisation": "optimisation (speed, memory)", "security": "security"}.get(
        req.kind, "refactoring (readability, structure)"
    )
    prompt = render_prompt("suggest", code=subject.code, language=subject.language, kind=kind)
    base = None
    if bench.llm.base_model("suggest"):
        base = review_continuation(
            "suggest", subject.code, subject.language, subject.where, kind.split(" (")[0]
        )
    return _text_answer(bench, "suggest", "suggest", prompt, req, subject, base)


def _code_answer(
    bench: Workbench,
    action: str,
    prompt: Prompt,
    req: CodeInput,
    subject: CodeSubject,
    language: str,
    *,
    diff: bool,
    base: Continuation | None = None,
) -> CodeAnswer:
    conversation_id, message_id, completion = _exchange(
        bench, action, action, prompt, req, subject, base
    )
    try:
        code = extract_code(completion.text, language)
    except UnparsableCode as exc:  # 422; the reply stays stored, open to feedback
        exc.detail.update(conversation_id=conversation_id, message_id=message_id)
        raise
    if diff:
        code = reindented(code, subject.code)
    if not subject.code.endswith("\n"):
        code = code.rstrip("\n")  # keep the original's (missing) final newline
    patch = ""
    if diff:
        original, changed = subject.with_new_code(code)
        patch = checked_diff(original, changed, subject.path or f"code.{language}")
    return CodeAnswer(
        conversation_id=conversation_id,
        message_id=message_id,
        action=action,
        language=language,
        code=code,
        diff=patch,
        explanation=prose(completion.text),
        provider=completion.provider,
        model=completion.model,
        prompt_version=prompt.version,
    )


def reindented(code: str, original: str) -> str:
    """``code`` at the original's indentation when it came back at column 0 (a method
    refactored or fixed on its own), so the diff puts it back in its class."""
    indent = _indent(original)
    if not indent or _indent(code):
        return code
    return textwrap.indent(code, indent)


def _indent(code: str) -> str:
    first = next((line for line in code.splitlines() if line.strip()), "")
    return first[: len(first) - len(first.lstrip())]


def _need_language(subject: CodeSubject, action: str) -> str:
    if not subject.language:
        raise InvalidInput(f"{action} needs the code's 'language' (or a 'path' that tells it)")
    return subject.language


def refactor(bench: Workbench, req: RefactorRequest) -> CodeAnswer:
    """Extract a method, simplify or optimise; returns the new code and its diff."""
    subject = code_subject(bench, req)
    language = _need_language(subject, "refactor")
    prompt = render_prompt(
        "refactor",
        code=subject.code,
        language=language,
        goal=REFACTOR_GOALS[req.kind],
        instructions=(req.instructions or "").strip(),
    )
    base = None
    if bench.llm.base_model("refactor"):  # a base model fills a before/after page
        goal = (req.instructions or "").strip() or REFACTOR_GOALS[req.kind].split(" (")[0]
        base = rewrite_continuation("refactor", subject.code, language, after=goal)
    return _code_answer(bench, "refactor", prompt, req, subject, language, diff=True, base=base)


def fix(bench: Workbench, req: FixRequest) -> CodeAnswer:
    """Code + the error it gives -> patched code and its diff."""
    if not req.error.strip():
        raise EmptyInput("the error is empty: paste the error message or traceback")
    subject = code_subject(bench, req)
    language = _need_language(subject, "fix")
    prompt = render_prompt("fix", code=subject.code, language=language, error=req.error.strip())
    base = None
    if bench.llm.base_model("fix"):
        base = rewrite_continuation(
            "fix", subject.code, language, after="the fixed code.", error=req.error,
            first_line=True,
        )  # fmt: skip
    return _code_answer(bench, "fix", prompt, req, subject, language, diff=True, base=base)


def translate(bench: Workbench, req: TranslateRequest) -> CodeAnswer:
    """The code in ``target_language`` (no diff: the languages differ)."""
    subject = code_subject(bench, req)
    source = _need_language(subject, "translate")
    target = normalise_language(req.target_language)
    if target == source:
        raise InvalidInput(f"the code is already {source}; pick another target_language")
    prompt = render_prompt("translate", code=subject.code, source=source, target=target)
    base = None
    if bench.llm.base_model("translate"):
        base = rewrite_continuation(
            "translate", subject.code, source, after=f"the same code in {target}.", target=target
        )
    return _code_answer(bench, "translate", prompt, req, subject, target, diff=False, base=base)


__all__ = [
    "REFACTOR_GOALS",
    "code_subject",
    "explain",
    "find_bugs",
    "fix",
    "refactor",
    "suggest",
    "translate",
]
