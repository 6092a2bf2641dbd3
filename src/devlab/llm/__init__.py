"""Language models: one interface, local and OpenAI-compatible providers, routing by task.

The rest of DevLab talks to models through ``LLMService`` (``Workbench.llm``)::

    from devlab.llm import ChatMessage, GenerationParams, render_prompt

    system = render_prompt("system", project="shop")
    answer = bench.llm.chat(
        "explain",
        [ChatMessage(role="system", content=system.text), ChatMessage(role="user", content=q)],
        GenerationParams(max_tokens=256),
        on_token=print,          # optional streaming
        prompt=system,           # recorded with the usage row
    )
    blocks = extract_code(answer.text, "python")   # code only once it parses

Modules, bottom-up: ``base`` (types, errors), ``providers/`` (local transformers with
the packaged Gemma 3 270M, OpenAI-compatible HTTP, optional llama.cpp),
``chat_templates`` (a local model's turn format), ``prompts`` (versioned Jinja
templates), ``context`` (fit a prompt to the window by priority), ``guards`` (size
limits, secret scrubbing), ``codeblocks`` (extract and syntax-check code), ``usage``
(accounting), ``service`` (routing, fallback, all of the above per request). The doors:
``cli.py`` (``devlab usage``, ``devlab llm ...``) and ``routes.py`` (``/usage``,
``/llm/...``).
"""

from devlab.llm.base import (
    TASK_KINDS,
    ChatMessage,
    Completion,
    GenerationParams,
    InputTooLong,
    LLMProvider,
    ProviderError,
    ProviderTimeout,
    TextCompletionProvider,
    Usage,
)
from devlab.llm.codeblocks import CodeBlock, check_syntax, extract_code
from devlab.llm.context import FittedContext, Section, fit_context
from devlab.llm.guards import scrub_messages
from devlab.llm.models import ProviderInfo, UsageRecord, UsageReport, UsageTotal
from devlab.llm.prompts import RenderedPrompt, list_prompts, render_prompt
from devlab.llm.service import LLMService

__all__ = [
    "TASK_KINDS",
    "ChatMessage",
    "CodeBlock",
    "Completion",
    "FittedContext",
    "GenerationParams",
    "InputTooLong",
    "LLMProvider",
    "LLMService",
    "ProviderError",
    "ProviderInfo",
    "ProviderTimeout",
    "RenderedPrompt",
    "Section",
    "TextCompletionProvider",
    "Usage",
    "UsageRecord",
    "UsageReport",
    "UsageTotal",
    "check_syntax",
    "extract_code",
    "fit_context",
    "list_prompts",
    "render_prompt",
    "scrub_messages",
]
