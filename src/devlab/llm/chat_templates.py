"""Chat templates: how a local model wants a conversation written out.

A remote server applies its model's chat template itself; a model DevLab runs
in-process needs it done here. Templates are Jinja files in ``chat_templates/``
(``gemma3.jinja`` is Gemma 3's turn format), rendered in Jinja's sandbox like
transformers' ``apply_chat_template``.

A model with no chat template at all (a plain Hugging Face base model) gets
:func:`instruction_prompt`'s ``### Instruction:`` / ``### Response:`` format, the one
fine-tuning trains instruction examples on.

Message content never passes through the template as text: each message becomes a
placeholder, and :func:`render_chat` returns segments ``(is_content, text)``. The
tokenizer parses control tokens (``<start_of_turn>``) only in template text, so a
message that *contains* ``<end_of_turn>`` cannot end its turn early.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from importlib.resources import files
from typing import Protocol

from devlab.errors import InvalidInput
from devlab.llm.base import ChatMessage

_PLACEHOLDER = re.compile("\ue000(\\d+)\ue001")


@lru_cache(maxsize=8)
def load_chat_template(name: str) -> str:
    """The source of the chat template ``name`` shipped in ``devlab/llm/chat_templates``."""
    resource = files("devlab.llm").joinpath("chat_templates", f"{name}.jinja")
    if not resource.is_file():
        raise InvalidInput(f"no chat template named {name!r}")
    return resource.read_text(encoding="utf-8")


@lru_cache(maxsize=8)
def _compile(source: str):  # -> jinja2.Template
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True)

    def raise_exception(message: str) -> None:
        raise InvalidInput(f"chat template: {message}")

    env.globals["raise_exception"] = raise_exception
    return env.from_string(source)


def render_chat(
    template: str,
    messages: list[ChatMessage],
    *,
    add_generation_prompt: bool = True,
    bos_token: str = "<bos>",
) -> list[tuple[bool, str]]:
    """``messages`` written out by ``template``, as ``(is_content, text)`` segments."""
    placeholders = [{"role": m.role, "content": f"\ue000{i}\ue001"} for i, m in enumerate(messages)]
    text = _compile(template).render(
        messages=placeholders, add_generation_prompt=add_generation_prompt, bos_token=bos_token
    )
    segments: list[tuple[bool, str]] = []
    pos = 0
    for match in _PLACEHOLDER.finditer(text):
        if match.start() > pos:
            segments.append((False, text[pos : match.start()]))
        segments.append((True, messages[int(match.group(1))].content))
        pos = match.end()
    if pos < len(text):
        segments.append((False, text[pos:]))
    return segments


def instruction_prompt(messages: list[ChatMessage]) -> str:
    """``messages`` in the plain instruction format, up to where the answer starts::

        ### Instruction:
        Write the function add.

        ### Response:

    A system message leads as plain text; earlier answers are ``### Response:`` blocks."""
    parts = []
    for message in messages:
        if message.role == "system":
            parts.append(f"{message.content}\n\n")
        elif message.role == "assistant":
            parts.append(f"### Response:\n{message.content}\n\n")
        else:
            parts.append(f"### Instruction:\n{message.content}\n\n")
    return "".join(parts) + "### Response:\n"


def chat_text(segments: list[tuple[bool, str]]) -> str:
    """The rendered conversation as one string (for display and logs)."""
    return "".join(text for _, text in segments)


class SegmentEncoder(Protocol):
    """A tokenizer that reads rendered template segments (``weights.SentencePieceTokenizer``)."""

    def encode_segments(self, segments: Iterable[tuple[bool, str]]) -> list[int]: ...


def chat_ids(template: str, tokenizer: SegmentEncoder, messages: list[ChatMessage]) -> list[int]:
    """The model input for ``messages`` under ``template``, up to where the answer starts:
    message content stays plain text, control tokens come only from the template."""
    return tokenizer.encode_segments(render_chat(template, messages, bos_token="<bos>"))


__all__ = [
    "SegmentEncoder",
    "chat_ids",
    "chat_text",
    "instruction_prompt",
    "load_chat_template",
    "render_chat",
]
