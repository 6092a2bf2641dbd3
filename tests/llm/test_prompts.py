"""Prompt templates: versioned files, strict variables, templates of other packages."""

from __future__ import annotations

import pytest

from devlab.errors import InvalidInput, NotFound
from devlab.llm import list_prompts, render_prompt
from devlab.llm.prompts import template_version


def test_packaged_system_prompt_renders_with_its_version():
    prompt = render_prompt("system", project="shop")
    assert prompt.version >= 1 and prompt.name == "system"
    assert prompt.ref == "devlab.llm:system"
    assert 'project "shop"' in prompt.text and not prompt.text.startswith("{#")
    assert "project" not in render_prompt("system").text.split(".")[0]  # optional variable
    assert list_prompts()["system"] == prompt.version


def test_templates_of_another_package_with_includes(tmp_path, monkeypatch):
    package = tmp_path / "acme_prompts"
    (package / "prompts" / "review").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "prompts" / "review" / "summary.jinja").write_text(
        "{# version: 3 #}\nSummarise {{ path }}.\n{% include 'footer.jinja' %}\n"
    )
    (package / "prompts" / "footer.jinja").write_text("{# version: 1 #}\nBe brief.\n")
    monkeypatch.syspath_prepend(str(tmp_path))

    prompt = render_prompt("review/summary", package="acme_prompts", path="cart.py")
    assert prompt.text == "Summarise cart.py.\nBe brief."
    assert (prompt.version, prompt.ref) == (3, "acme_prompts:review/summary")
    assert list_prompts("acme_prompts") == {"footer": 1, "review/summary": 3}


def test_missing_variable_is_invalid_input_naming_it(tmp_path, monkeypatch):
    package = tmp_path / "strict_prompts"
    (package / "prompts").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "prompts" / "ask.jinja").write_text("{# version: 1 #}\nQ: {{ question }}\n")
    (package / "prompts" / "nover.jinja").write_text("Q: {{ question }}\n")
    monkeypatch.syspath_prepend(str(tmp_path))

    with pytest.raises(InvalidInput, match="question"):
        render_prompt("ask", package="strict_prompts")
    with pytest.raises(InvalidInput, match="version"):
        render_prompt("nover", package="strict_prompts", question="?")
    with pytest.raises(NotFound):
        render_prompt("nothing", package="strict_prompts")


def test_version_header_forms():
    assert template_version("{# version: 12 #}\nhello") == 12
    assert template_version("{#- version:2 -#}") == 2
    with pytest.raises(InvalidInput):
        template_version("hello {# version: 1 #}")


def test_named_blocks_render_one_by_one_with_fence(tmp_path, monkeypatch):
    from devlab.llm.prompts import render_prompt_blocks

    package = tmp_path / "block_prompts"
    (package / "prompts").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "prompts" / "pair.jinja").write_text(
        "{# version: 2 #}\n{% block system %}Be {{ tone }}.{% endblock %}\n"
        "{% block user %}{{ fence(code, 'python') }}{% endblock %}\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))

    texts, version = render_prompt_blocks(
        "pair", ("system", "user"), package="block_prompts", tone="brief", code="x = 1"
    )
    assert version == 2
    assert texts == {"system": "Be brief.", "user": "```python\nx = 1\n```"}
    with pytest.raises(InvalidInput, match="tone"):
        render_prompt_blocks("pair", ("system",), package="block_prompts")
    with pytest.raises(InvalidInput, match="assistant"):
        render_prompt_blocks("pair", ("assistant",), package="block_prompts", tone="x")
