"""Guards on what goes to a model: size limits and secret scrubbing.

Secrets: DevLab promises that a secret found in code is never sent to a model
(ARCHITECTURE.md, principle 4). Every message the service sends — system, user and
history alike — passes through the project's scrubber (``devlab.codebase.secrets``,
detect-secrets' detectors), which replaces each value with ``<REDACTED:Type>``.
Size: the characters of one request are capped (``llm_max_input_chars``) before any
tokenizer runs, so a pasted 50 MB log is refused at once with a 413.
"""

from __future__ import annotations

from devlab.codebase import scrub
from devlab.llm.base import ChatMessage, InputTooLong


def scrub_text(text: str) -> tuple[str, int]:
    """``text`` with its secrets replaced, and how many were found."""
    clean, findings = scrub("", text)
    return clean, len(findings)


def scrub_messages(messages: list[ChatMessage]) -> tuple[list[ChatMessage], int]:
    """Copies of ``messages`` with secrets replaced, and how many were found."""
    cleaned: list[ChatMessage] = []
    found = 0
    for message in messages:
        content, n = scrub_text(message.content)
        found += n
        cleaned.append(message if not n else message.model_copy(update={"content": content}))
    return cleaned, found


def check_input_size(texts: list[str], max_chars: int) -> None:
    """Refuse a request whose texts together exceed ``max_chars`` (413, with both sizes)."""
    total = sum(len(t) for t in texts)
    if total > max_chars:
        raise InputTooLong(
            f"the request has {total:,} characters; the limit is {max_chars:,} "
            "(setting llm_max_input_chars)",
            detail={"characters": total, "limit": max_chars},
        )


__all__ = ["check_input_size", "scrub_messages", "scrub_text"]
