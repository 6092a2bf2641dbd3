"""Instruction -> response (chat) templates: one per kind (completion has one per format).

Every example carries ``instruction`` and ``response`` rendered from these, beside its
raw ``prompt`` and ``completion``, so one dataset serves both plain language-model
training and chat fine-tuning. Fields are filled with ``str.format``.
"""

from __future__ import annotations

__all__ = ["TEMPLATES", "render"]

TEMPLATES: dict[str, tuple[str, str]] = {
    "completion:fim": (
        "Fill in the missing {language} code at <FILL_ME> in `{path}`:\n\n"
        "```{language}\n{prefix}<FILL_ME>{suffix}```",
        "{middle}",
    ),
    "completion:l2r": (
        "Continue this {language} code from `{path}`:\n\n```{language}\n{context}```",
        "{continuation}",
    ),
    "doc-to-code": (
        "Implement this {language} {unit_kind} from its signature and documentation.\n"
        "File `{path}`{context}\n\n```{language}\n{header}```",
        "```{language}\n{body}```",
    ),
    "code-to-doc": (
        "Write the documentation (docstring or doc comment) of this {language} {unit_kind} "
        "from `{path}`:\n\n```{language}\n{code}```",
        "{doc}",
    ),
    "code-to-tests": (
        "Write tests for this {language} {unit_kind} from `{path}`:\n\n```{language}\n{code}```",
        "```{language}\n{tests}```",
    ),
    "bug-fix": (
        "This {language} {unit_kind} from `{path}` has a bug. Fix it:\n\n```{language}\n{buggy}```",
        "```{language}\n{fixed}```",
    ),
    "refactor": (
        "Change this {language} {unit_kind} from `{path}` as the commit message says: "
        "{message}\n\n```{language}\n{before}```",
        "```{language}\n{after}```",
    ),
    "diff-to-message": (
        "Write a commit message for this change:\n\n```diff\n{diff}```",
        "{message}",
    ),
    "message-to-diff": (
        "Write the change, as a unified diff, that this commit message describes: {message}\n\n"
        "{before}",
        "```diff\n{diff}```",
    ),
    "naming": (
        "Name this {language} {unit_kind} from `{path}` (its name is masked as <NAME>):\n\n"
        "```{language}\n{masked}```",
        "{name}",
    ),
    "class-skeleton": (
        "Write the skeleton of this {language} class from `{path}`: its methods' signatures "
        "and docstrings, without bodies.\n\n```{language}\n{header}```",
        "```{language}\n{skeleton}```",
    ),
}


def _fence(text: str) -> str:
    return text if text.endswith("\n") else text + "\n"


def render(template: str, **fields: str) -> tuple[str, str]:
    """``(instruction, response)`` for a template key; code fields get a final newline
    so the closing fence sits on its own line."""
    instruction, response = TEMPLATES[template]
    filled = {k: _fence(v) if k in _CODE_FIELDS else v for k, v in fields.items()}
    return instruction.format(**filled), response.format(**filled)


_CODE_FIELDS = frozenset(
    {
        "suffix",
        "context",
        "header",
        "body",
        "code",
        "tests",
        "buggy",
        "fixed",
        "before",
        "after",
        "diff",
        "masked",
        "skeleton",
    }
)
