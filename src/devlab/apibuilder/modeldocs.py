"""What the language model writes for the API Builder: an SDK README's overview and
design suggestions. Both are optional: the SDK templates stay deterministic (same
spec, same bytes) unless a model overview is asked for.

The model sees an outline of the API (title, description, servers, up to
``MAX_OUTLINE_OPS`` operations with their summaries, schema names; capped at
``MAX_OUTLINE_CHARS``), never the whole document, through ``Workbench.llm`` (the
configured provider, by default the packaged local model; its guards scrub secrets and
record the usage with the prompt's name and version). The overview goes into the README
under a heading that says a model wrote it and which one.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from pydantic import BaseModel, Field

from devlab.apibuilder.lint import LintFinding, lint_model
from devlab.apibuilder.models import ApiModel, GeneratedSdk
from devlab.errors import InvalidInput
from devlab.llm import ChatMessage, GenerationParams, RenderedPrompt, render_prompt_blocks

if TYPE_CHECKING:
    from devlab.llm import LLMService

__all__ = ["DesignSuggestions", "ModelText", "api_outline", "suggest_design", "write_overview"]

PACKAGE = "devlab.apibuilder"
MAX_OUTLINE_OPS = 60
MAX_OUTLINE_CHARS = 6000
MAX_TOKENS = 1024
_BULLET = re.compile(r"^\s*(?:[-*]|\d+[.)])\s+(.+\S)\s*$")


class ModelText(BaseModel):
    """Text a language model wrote, and which model and prompt wrote it."""

    text: str
    provider: str
    model: str
    prompt: str = Field(description="package:name of the prompt template")
    prompt_version: int


class DesignSuggestions(ModelText):
    items: list[str] = Field(description="the suggestions, one per bullet of the reply")
    lint: list[LintFinding] = Field(description="the rule-based findings the model was shown")


def api_outline(model: ApiModel) -> str:
    """A short, bounded text outline of ``model`` for a prompt."""
    lines = [f"API: {model.title} (version {model.version})"]
    if model.description:
        lines.append(f"Description: {model.description.strip()[:500]}")
    if model.servers:
        lines.append("Servers: " + ", ".join(model.servers[:3]))
    if model.security_schemes:
        lines.append(
            "Auth: " + ", ".join(f"{k} ({v.type})" for k, v in model.security_schemes.items())
        )
    lines.append(f"Operations ({len(model.operations)}):")
    for op in model.operations[:MAX_OUTLINE_OPS]:
        about = (op.summary or op.description).strip().splitlines()
        lines.append(f"- {op.method.upper()} {op.path}" + (f": {about[0][:120]}" if about else ""))
    if len(model.operations) > MAX_OUTLINE_OPS:
        lines.append(f"- ... and {len(model.operations) - MAX_OUTLINE_OPS} more")
    if model.schemas:
        lines.append("Schemas: " + ", ".join(list(model.schemas)[:40]))
    text = "\n".join(lines)
    return text if len(text) <= MAX_OUTLINE_CHARS else text[:MAX_OUTLINE_CHARS] + "\n..."


def _ask(llm: LLMService, task: str, name: str, max_tokens: int, **variables: object) -> ModelText:
    if not 1 <= max_tokens <= MAX_TOKENS:
        raise InvalidInput(f"max_tokens must be 1-{MAX_TOKENS}, got {max_tokens}")
    blocks, version = render_prompt_blocks(name, ["system", "user"], package=PACKAGE, **variables)
    messages = [
        ChatMessage(role="system", content=blocks["system"]),
        ChatMessage(role="user", content=blocks["user"]),
    ]
    rendered = RenderedPrompt(blocks["user"], name, version, PACKAGE)
    completion = llm.chat(
        task, messages, GenerationParams(max_tokens=max_tokens, temperature=0.2), prompt=rendered
    )
    return ModelText(
        text=completion.text.strip(),
        provider=completion.provider,
        model=completion.model,
        prompt=rendered.ref,
        prompt_version=version,
    )


def write_overview(
    llm: LLMService, model: ApiModel, sdk: GeneratedSdk, *, max_tokens: int = 300
) -> ModelText:
    """Ask the model for an overview and put it in ``sdk``'s README (in place)."""
    answer = _ask(
        llm,
        "explain",
        "sdk_overview",
        max_tokens,
        language=sdk.language,
        outline=api_outline(model),
    )
    if not answer.text:
        raise InvalidInput(f"the language model ({answer.model}) wrote an empty overview")
    readme = sdk.files.get("README.md", f"# {model.title}\n")
    head, _, rest = readme.partition("\n")
    section = (
        f"\n## Overview\n\n_Written by a language model ({answer.provider}/{answer.model}) "
        "from the API's description; check it against the reference below._\n\n"
        f"{answer.text}\n"
    )
    sdk.files["README.md"] = head + "\n" + section + rest
    sdk.docs_model = f"{answer.provider}/{answer.model}"
    return answer


def suggest_design(llm: LLMService, model: ApiModel, *, max_tokens: int = 300) -> DesignSuggestions:
    """Model suggestions for ``model``'s design, shown the lint findings so that it
    adds to them rather than repeats them."""
    findings = lint_model(model)
    shown = [f"{f.rule_id}: {f.operation} {f.message}".strip() for f in findings[:20]]
    answer = _ask(
        llm, "suggest", "design_suggestions", max_tokens, outline=api_outline(model), findings=shown
    )
    items = [m.group(1) for line in answer.text.splitlines() if (m := _BULLET.match(line))]
    return DesignSuggestions(**answer.model_dump(), items=items[:10], lint=findings)
