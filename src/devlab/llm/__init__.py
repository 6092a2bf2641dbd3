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

from typing import TYPE_CHECKING

from devlab.lazy import lazy_names
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

# Public names imported on first use (PEP 562, devlab.lazy): the package stays cheap to import.
if TYPE_CHECKING:
    from devlab.llm.chat_templates import instruction_prompt, load_chat_template, render_chat
    from devlab.llm.codeblocks import fenced_blocks, normalize_language
    from devlab.llm.deployed import REGISTRY_PROVIDER, DeployedVersion, home_path, version_provider
    from devlab.llm.ggufread import fast_gguf_reads, read_gguf
    from devlab.llm.prompts import SUFFIX, fence, render_prompt_blocks, template_version
    from devlab.llm.providers.hf import (
        TOKENS_FILE,
        HFTokenizer,
        adapter_vocab_size,
        grow_vocab,
        has_tokenizer,
        read_tokens_file,
    )
    from devlab.llm.providers.local import TransformersProvider, resolve_device
    from devlab.llm.usage import parse_since, usage_report
    from devlab.llm.weights import (
        SentencePieceTokenizer,
        assemble_gguf,
        ensure_packaged_model,
        is_converted,
        model_dir_for,
        packaged_model_dir,
        read_marker,
    )

_LAZY = {
    "DeployedVersion": "devlab.llm.deployed",
    "HFTokenizer": "devlab.llm.providers.hf",
    "REGISTRY_PROVIDER": "devlab.llm.deployed",
    "SUFFIX": "devlab.llm.prompts",
    "SentencePieceTokenizer": "devlab.llm.weights",
    "TOKENS_FILE": "devlab.llm.providers.hf",
    "TransformersProvider": "devlab.llm.providers.local",
    "adapter_vocab_size": "devlab.llm.providers.hf",
    "assemble_gguf": "devlab.llm.weights",
    "ensure_packaged_model": "devlab.llm.weights",
    "fast_gguf_reads": "devlab.llm.ggufread",
    "fence": "devlab.llm.prompts",
    "fenced_blocks": "devlab.llm.codeblocks",
    "grow_vocab": "devlab.llm.providers.hf",
    "has_tokenizer": "devlab.llm.providers.hf",
    "home_path": "devlab.llm.deployed",
    "instruction_prompt": "devlab.llm.chat_templates",
    "is_converted": "devlab.llm.weights",
    "load_chat_template": "devlab.llm.chat_templates",
    "model_dir_for": "devlab.llm.weights",
    "normalize_language": "devlab.llm.codeblocks",
    "packaged_model_dir": "devlab.llm.weights",
    "parse_since": "devlab.llm.usage",
    "read_gguf": "devlab.llm.ggufread",
    "read_marker": "devlab.llm.weights",
    "read_tokens_file": "devlab.llm.providers.hf",
    "render_chat": "devlab.llm.chat_templates",
    "render_prompt_blocks": "devlab.llm.prompts",
    "resolve_device": "devlab.llm.weights",
    "template_version": "devlab.llm.prompts",
    "usage_report": "devlab.llm.usage",
    "version_provider": "devlab.llm.deployed",
}
__getattr__ = lazy_names(__name__, _LAZY)

__all__ = [
    "REGISTRY_PROVIDER",
    "SUFFIX",
    "TASK_KINDS",
    "TOKENS_FILE",
    "ChatMessage",
    "CodeBlock",
    "Completion",
    "DeployedVersion",
    "FittedContext",
    "GenerationParams",
    "HFTokenizer",
    "InputTooLong",
    "LLMProvider",
    "LLMService",
    "ProviderError",
    "ProviderInfo",
    "ProviderTimeout",
    "RenderedPrompt",
    "Section",
    "SentencePieceTokenizer",
    "TextCompletionProvider",
    "TransformersProvider",
    "Usage",
    "UsageRecord",
    "UsageReport",
    "UsageTotal",
    "adapter_vocab_size",
    "assemble_gguf",
    "check_syntax",
    "ensure_packaged_model",
    "extract_code",
    "fast_gguf_reads",
    "fence",
    "fenced_blocks",
    "fit_context",
    "grow_vocab",
    "has_tokenizer",
    "home_path",
    "instruction_prompt",
    "is_converted",
    "list_prompts",
    "load_chat_template",
    "model_dir_for",
    "normalize_language",
    "packaged_model_dir",
    "parse_since",
    "read_gguf",
    "read_marker",
    "read_tokens_file",
    "render_chat",
    "render_prompt",
    "render_prompt_blocks",
    "resolve_device",
    "scrub_messages",
    "template_version",
    "usage_report",
    "version_provider",
]
