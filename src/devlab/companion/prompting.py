"""The companion's prompts, and reading code out of model replies.

Templates are ``devlab.llm.prompts`` templates of this package (``prompts/<name>.jinja``,
``{# version: N #}`` header, ``fence(text, language)``); each defines a ``system`` and a
``user`` block, so one file holds one action's whole prompt. The ``name@version`` label
is stored with every answer (and its feedback) so the training pipeline knows which
prompt produced it.

Code extraction: the fenced block in the reply's language (or the largest fenced block;
the whole reply when there is no fence), checked with ``devlab.llm.codeblocks``
(``ast`` for Python, tree-sitter for the other parsed languages). Checking parses; it
never runs anything.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from importlib.resources import files

from devlab.companion.errors import UnparsableCode
from devlab.llm import (
    SUFFIX,
    ChatMessage,
    RenderedPrompt,
    check_syntax,
    fence,
    fenced_blocks,
    normalize_language,
    render_prompt_blocks,
)
from devlab.llm import template_version as _source_version

PACKAGE = "devlab.companion"
_FENCE = re.compile(r"^```[ \t]*([^\n`]*)\n(.*?)^```[ \t]*$", re.S | re.M)
# fence names that also count as a sandbox language (beyond devlab.llm's aliases)
_ALSO = {"typescript": {"tsx"}, "sqlite": {"sql"}, "duckdb": {"sql"}}


@dataclass(frozen=True)
class Prompt:
    messages: list[ChatMessage]
    name: str
    number: int  # the template's version

    @property
    def version(self) -> str:
        """``name@N``, as stored with the answer."""
        return f"{self.name}@{self.number}"

    def rendered(self) -> RenderedPrompt:
        """The ``devlab.llm`` record of this prompt (the usage row keeps its name and
        version)."""
        text = "\n\n".join(m.content for m in self.messages)
        return RenderedPrompt(text, self.name, self.number, PACKAGE)


def template_version(name: str) -> int:
    """The ``{# version: N #}`` of template ``name``."""
    source = files(PACKAGE).joinpath("prompts").joinpath(f"{name}{SUFFIX}")
    return _source_version(source.read_text("utf-8"), name)


def render_prompt(name: str, **values: object) -> Prompt:
    """The system and user messages of template ``name`` filled with ``values``."""
    roles = ("system", "user")
    texts, version = render_prompt_blocks(name, roles, package=PACKAGE, **values)
    messages = [ChatMessage(role=role, content=texts[role]) for role in roles]  # type: ignore[arg-type]
    return Prompt(messages, name, version)


def code_blocks(reply: str) -> list[tuple[str, str]]:
    """``(info string, body)`` of each fenced block; an unclosed last fence counts too
    (small models stop mid-block when they run out of tokens)."""
    return [((info or "").lower(), body) for info, body in fenced_blocks(reply)]


def syntax_error(code: str, language: str) -> str | None:
    """Why ``code`` does not parse as ``language`` (None when it does, or when DevLab has
    no parser for that language)."""
    if not code.strip():
        return "no code"
    valid, error = check_syntax(code, language)
    return f"syntax error at {error}" if valid is False else None


def _only_expressions(code: str, language: str) -> bool:
    """Prose without a fence can parse as Python ("hello" is an expression): an
    unfenced reply counts as code only if it has a statement that is not a bare
    expression."""
    if language != "python":
        return False
    return all(isinstance(node, ast.Expr) for node in ast.parse(code).body)


def _names(language: str, info: str) -> bool:
    """Whether a fence's info string names ``language``."""
    word = info.split()[0] if info.split() else ""
    return bool(word) and (normalize_language(word) == language or word in _ALSO.get(language, ()))


def extract_code(reply: str, language: str) -> str:
    """The code in ``reply`` for ``language``; ``UnparsableCode`` when there is none that
    parses. Prefers blocks tagged with the language, then untagged ones, largest first."""
    blocks = code_blocks(reply)
    tagged = [body for info, body in blocks if _names(language, info)]
    others = [body for info, body in blocks if not info]
    candidates = sorted(tagged, key=len, reverse=True) + sorted(others, key=len, reverse=True)
    if not blocks:
        candidates = [reply]
    problems = []
    for body in candidates:
        code = body.strip("\n")
        error = syntax_error(code, language)
        if error is None and not blocks and _only_expressions(code, language):
            error = f"no {language} code block in the reply"
        if error is None:
            return code.rstrip() + "\n"
        problems.append(error)
    reason = problems[0] if problems else f"no {language} code block"
    raise UnparsableCode(
        f"the model's reply holds no {language} code that parses ({reason})",
        detail={"reply": reply[:2000]},
    )


def prose(reply: str) -> str:
    """The reply without its fenced code blocks (the model's explanation)."""
    return re.sub(r"\n{3,}", "\n\n", _FENCE.sub("", reply)).strip()


__all__ = [
    "Prompt",
    "code_blocks",
    "extract_code",
    "fence",
    "prose",
    "render_prompt",
    "syntax_error",
    "template_version",
]
