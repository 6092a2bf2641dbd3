"""Prompt templates: versioned Jinja files shipped inside a package's ``prompts/`` folder.

Each template is ``<package>/prompts/<name>.jinja`` and starts with its version::

    {# version: 2 #}
    You are DevLab's assistant for {{ project }}. ...

Bump the version whenever the wording changes: the usage row of every request records
``package:name`` and the version, so answers (and evaluations) can be traced to the
exact prompt that produced them. A template without a version header is an error.

Rendering::

    from devlab.llm.prompts import render_prompt

    system = render_prompt("system")                          # devlab/llm/prompts/system.jinja
    explain = render_prompt("explain", package="devlab.companion", code=code, question=q)
    llm.chat("explain", [ChatMessage(role="system", content=system.text), ...], prompt=explain)

Another package ships its own templates in ``<its folder>/prompts/`` (package data,
matched by ``**/*.jinja`` in pyproject) and passes ``package=``. Names may contain
slashes (``"review/summary"``); templates can ``{% include %}`` others of the same
package. Variables are strict: a missing one is ``InvalidInput`` naming it, never an
empty string in the prompt. ``fence(text, language)`` is available in every template
(a fenced code block).

A template may define named ``{% block %}``s (``system`` and ``user``, say) that
``render_prompt_blocks`` renders one by one, so one file holds a whole conversation's
prompt.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any, NamedTuple

from devlab.errors import InvalidInput, NotFound

DEFAULT_PACKAGE = "devlab.llm"
SUFFIX = ".jinja"
_VERSION = re.compile(r"\A\s*\{#-?\s*version:\s*(\d+)\s*-?#\}")


class RenderedPrompt(NamedTuple):
    """A rendered template and where it came from (recorded with the request's usage)."""

    text: str
    name: str
    version: int
    package: str = DEFAULT_PACKAGE

    @property
    def ref(self) -> str:
        """``package:name`` as stored in the usage row's ``prompt_name``."""
        return f"{self.package}:{self.name}"


def fence(text: str, language: str | None = "") -> str:
    """``text`` in a fenced block; a longer fence when the text itself holds one."""
    ticks = "````" if "```" in text else "```"
    return f"{ticks}{language or ''}\n{text.rstrip()}\n{ticks}\n"


@lru_cache(maxsize=16)
def _environment(package: str):  # -> jinja2.Environment
    from jinja2 import Environment, PackageLoader, StrictUndefined

    try:
        loader = PackageLoader(package, "prompts")
    except (ValueError, ModuleNotFoundError) as exc:
        raise NotFound(f"package {package!r} has no prompts/ folder") from exc
    env = Environment(
        loader=loader,
        undefined=StrictUndefined,
        autoescape=False,  # prompts are plain text, not HTML
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
    env.globals["fence"] = fence
    return env


def template_version(source: str, name: str = "template") -> int:
    """The ``{# version: N #}`` at the top of a template's source."""
    match = _VERSION.match(source)
    if not match:
        raise InvalidInput(f"prompt template {name!r} has no '{{# version: N #}}' first line")
    return int(match.group(1))


def render_prompt(name: str, *, package: str = DEFAULT_PACKAGE, **variables: Any) -> RenderedPrompt:
    """Render ``<package>/prompts/<name>.jinja`` with ``variables``."""
    text, version = _render(name, package, variables, lambda t, v: t.render(**v))
    return RenderedPrompt(text.strip(), name, version, package)


def render_prompt_blocks(
    name: str, blocks: Sequence[str], *, package: str = DEFAULT_PACKAGE, **variables: Any
) -> tuple[dict[str, str], int]:
    """Each of ``blocks`` of ``<package>/prompts/<name>.jinja`` rendered with
    ``variables`` (stripped), and the template's version."""

    def render(template, values: dict[str, Any]) -> dict[str, str]:
        missing = [b for b in blocks if b not in template.blocks]
        if missing:
            raise InvalidInput(f"prompt template {name!r} has no block {missing[0]!r}")
        context = template.new_context(dict(values))
        return {b: "".join(template.blocks[b](context)).strip() for b in blocks}

    return _render(name, package, variables, render)


def _render(name: str, package: str, variables: dict[str, Any], render: Callable) -> tuple:
    """``(render(template, variables), version)``, template errors as DevLab errors."""
    from jinja2 import TemplateNotFound, TemplateSyntaxError, UndefinedError

    env = _environment(package)
    try:
        template = env.get_template(name + SUFFIX)
        source = env.loader.get_source(env, name + SUFFIX)[0]
        rendered = render(template, variables)
    except TemplateNotFound as exc:
        raise NotFound(f"no prompt template {name!r} in {package}") from exc
    except UndefinedError as exc:
        raise InvalidInput(f"prompt template {name!r}: {exc.message}") from exc
    except TemplateSyntaxError as exc:
        raise InvalidInput(f"prompt template {name!r}, line {exc.lineno}: {exc.message}") from exc
    return rendered, template_version(source, name)


def list_prompts(package: str = DEFAULT_PACKAGE) -> dict[str, int]:
    """Every template of ``package`` by name, with its version."""
    env = _environment(package)
    names = [n[: -len(SUFFIX)] for n in env.list_templates() if n.endswith(SUFFIX)]
    return {
        name: template_version(env.loader.get_source(env, name + SUFFIX)[0], name)
        for name in sorted(names)
    }


__all__ = [
    "DEFAULT_PACKAGE",
    "RenderedPrompt",
    "fence",
    "list_prompts",
    "render_prompt",
    "render_prompt_blocks",
    "template_version",
]
