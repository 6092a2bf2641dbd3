"""Prompt templates and reading code out of model replies (private helpers).

Templates are jinja2 files ``prompts/<name>.jinja`` (the suffix and header of
``devlab.llm.prompts``); each starts with ``{# version: N #}`` and
defines a ``system`` and a ``user`` block, so one file holds one action's whole prompt;
``fence(text, language)`` puts code in a fenced block.
The ``name@version`` label is stored with every answer (and its feedback) so the
training pipeline knows which prompt produced it.

Code extraction: the fenced block in the reply's language (or the largest fenced block;
the whole reply when there is no fence), checked for syntax: ``ast`` for Python,
tree-sitter for the other parsed languages. Checking parses; it never runs anything.

(Kept small and isolated so it can later fold onto ``devlab.llm.prompts`` /
``devlab.llm.guards``.)
"""

from __future__ import annotations

import ast
import functools
import re
from dataclasses import dataclass
from importlib.resources import files

import jinja2

from devlab.companion.errors import UnparsableCode
from devlab.llm.base import ChatMessage
from devlab.llm.prompts import RenderedPrompt

SUFFIX = ".jinja"
_VERSION = re.compile(r"\A\s*\{#-?\s*version:\s*(\d+)\s*-?#\}")
_FENCE = re.compile(r"^```[ \t]*([^\n`]*)\n(.*?)^```[ \t]*$", re.S | re.M)
_OPEN_FENCE = re.compile(r"^```[ \t]*([^\n`]*)\n(.*)\Z", re.S | re.M)

# fence info strings that name each sandbox language
_FENCE_NAMES = {
    "python": {"python", "py", "python3"},
    "javascript": {"javascript", "js", "node", "jsx"},
    "typescript": {"typescript", "ts", "tsx"},
    "go": {"go", "golang"},
    "java": {"java"},
    "bash": {"bash", "sh", "shell"},
    "sqlite": {"sql", "sqlite"},
    "duckdb": {"sql", "duckdb"},
}


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
        return RenderedPrompt(text, self.name, self.number, "devlab.companion")


@functools.cache
def _environment() -> jinja2.Environment:
    def load(name: str) -> str:
        return files("devlab.companion").joinpath("prompts").joinpath(name).read_text("utf-8")

    env = jinja2.Environment(
        loader=jinja2.FunctionLoader(load),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        keep_trailing_newline=False,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["fence"] = fence
    return env


def fence(text: str, language: str | None = "") -> str:
    """``text`` in a fenced block; a longer fence when the text itself holds one."""
    ticks = "````" if "```" in text else "```"
    return f"{ticks}{language or ''}\n{text.rstrip()}\n{ticks}\n"


def template_version(name: str) -> int:
    """The ``{# version: N #}`` of template ``name``."""
    source = files("devlab.companion").joinpath("prompts").joinpath(f"{name}{SUFFIX}")
    match = _VERSION.match(source.read_text("utf-8"))
    if not match:
        raise ValueError(f"prompt template {name!r} has no '{{# version: N #}}' first line")
    return int(match.group(1))


def render_prompt(name: str, **values: object) -> Prompt:
    """The system and user messages of template ``name`` filled with ``values``."""
    template = _environment().get_template(f"{name}{SUFFIX}")
    context = template.new_context(dict(values))
    messages = []
    for role in ("system", "user"):
        text = "".join(template.blocks[role](context)).strip()
        messages.append(ChatMessage(role=role, content=text))  # type: ignore[arg-type]
    return Prompt(messages, name, template_version(name))


def code_blocks(reply: str) -> list[tuple[str, str]]:
    """``(info string, body)`` of each fenced block; an unclosed last fence counts too
    (small models stop mid-block when they run out of tokens)."""
    blocks = [(m.group(1).strip().lower(), m.group(2)) for m in _FENCE.finditer(reply)]
    if not blocks:
        tail = _OPEN_FENCE.search(reply)
        if tail:
            blocks.append((tail.group(1).strip().lower(), tail.group(2)))
    return blocks


def syntax_error(code: str, language: str) -> str | None:
    """Why ``code`` does not parse as ``language`` (None when it does, or when DevLab has
    no parser for that language)."""
    if not code.strip():
        return "no code"
    if language == "python":
        try:
            ast.parse(code)
        except (SyntaxError, ValueError) as exc:
            line = getattr(exc, "lineno", None)
            return f"syntax error at line {line}: {getattr(exc, 'msg', exc)}"
        return None
    from devlab.codebase.languages import PARSED_LANGUAGES
    from devlab.codebase.parsing import parse_source

    if language not in PARSED_LANGUAGES:
        return None
    return parse_source(code, language).error


def _only_expressions(code: str, language: str) -> bool:
    """Prose without a fence can parse as Python ("hello" is an expression): an
    unfenced reply counts as code only if it has a statement that is not a bare
    expression."""
    if language != "python":
        return False
    return all(isinstance(node, ast.Expr) for node in ast.parse(code).body)


def extract_code(reply: str, language: str) -> str:
    """The code in ``reply`` for ``language``; ``UnparsableCode`` when there is none that
    parses. Prefers blocks tagged with the language, then untagged ones, largest first."""
    names = _FENCE_NAMES.get(language, {language})
    blocks = code_blocks(reply)
    tagged = [body for info, body in blocks if info.split()[:1] and info.split()[0] in names]
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
