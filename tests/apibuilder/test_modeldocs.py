"""Model-written docs and design suggestions. A scripted language model (replies given in
advance, as in tests/companion/conftest.py) checks the orchestration: what the model is
shown, where its text goes, that SDKs stay template-only without it. The last test
drives the real packaged model (marked ``model``)."""

from __future__ import annotations

import asyncio
import importlib.util
import json
import os
import tempfile
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from devlab.apibuilder import generate_sdk, suggest_design, write_overview
from devlab.cli import app as cli_app
from devlab.config import LOCAL_PROVIDER, Settings, load_settings
from devlab.errors import InvalidInput
from devlab.llm import ChatMessage, Completion, GenerationParams, LLMService, Usage
from devlab.server.app import create_app
from devlab.workbench import Workbench

HERE = Path(__file__).parent
API = "/api/v1/devlab/api"
OVERVIEW = "The Pet Store API keeps a list of pets. List them, add one, fetch or delete by id."


class Scripted:
    """An ``LLMProvider`` answering with replies given in advance; ``calls`` keeps each
    request's messages."""

    name, model, context_window = "scripted", "scripted-1", 8192

    def __init__(self, *replies: str) -> None:
        self.replies = list(replies)
        self.calls: list[list[ChatMessage]] = []

    def chat(self, messages: list[ChatMessage], params: GenerationParams) -> Completion:
        self.calls.append(list(messages))
        text = self.replies.pop(0)
        usage = Usage(prompt_tokens=10, completion_tokens=len(text) // 4)
        return Completion(text=text, provider=self.name, model=self.model, usage=usage)

    def stream(self, messages, params):  # type: ignore[no-untyped-def]
        completion = self.chat(messages, params)
        yield completion.text
        yield completion

    def count_tokens(self, text: str) -> int:
        return (len(text) + 3) // 4

    def prompt(self) -> str:
        return "\n".join(m.content for m in self.calls[-1])


def _service(settings: Settings, db, provider: Scripted) -> LLMService:  # type: ignore[no-untyped-def]
    return LLMService(
        settings, db, providers={"scripted": provider}, routes={"default": ["scripted"]}
    )


def test_overview_goes_into_the_readme_and_templates_stay_deterministic(bench, petstore_model):
    plain = generate_sdk(petstore_model, "python")
    assert plain.files == generate_sdk(petstore_model, "python").files
    assert "## Overview" not in plain.files["README.md"] and plain.docs_model is None
    provider = Scripted(OVERVIEW)
    sdk = generate_sdk(petstore_model, "python")
    answer = write_overview(_service(bench.settings, bench.db, provider), petstore_model, sdk)
    prompt = provider.prompt()
    assert "Pet Store" in prompt and "GET /pets: List pets" in prompt and "python SDK" in prompt
    readme = sdk.files["README.md"]
    assert readme.startswith(plain.files["README.md"].split("\n", 1)[0] + "\n\n## Overview")
    assert OVERVIEW in readme and "language model (scripted/scripted-1)" in readme
    assert readme.endswith(plain.files["README.md"].split("\n", 1)[1])  # the template follows
    assert sdk.docs_model == "scripted/scripted-1"
    assert answer.prompt == "devlab.apibuilder:sdk_overview" and answer.prompt_version == 1
    assert {k: v for k, v in sdk.files.items() if k != "README.md"} == {
        k: v for k, v in plain.files.items() if k != "README.md"
    }


def test_suggestions_are_shown_the_lint_and_parsed_into_items(bench, petstore_model):
    provider = Scripted("Some advice:\n- Add a 404 to GET /pets\n* Version the paths\nThanks")
    got = suggest_design(_service(bench.settings, bench.db, provider), petstore_model)
    assert got.items == ["Add a 404 to GET /pets", "Version the paths"]
    assert "error-responses: GET /pets no 4xx response" in provider.prompt()
    assert [f.rule_id for f in got.lint] == ["error-responses", "error-responses"]
    assert got.provider == "scripted" and got.prompt == "devlab.apibuilder:design_suggestions"


def test_bad_model_requests_say_what_to_change(bench, petstore_model):
    service = _service(bench.settings, bench.db, Scripted("  "))
    with pytest.raises(InvalidInput, match="max_tokens must be 1-1024"):
        suggest_design(service, petstore_model, max_tokens=0)
    with pytest.raises(InvalidInput, match="empty overview"):
        write_overview(service, petstore_model, generate_sdk(petstore_model, "java"))


def test_rest_suggest_and_sdk_docs(tmp_path, petstore_text):
    provider = Scripted("- Add pagination links", OVERVIEW)

    async def main() -> None:
        application = create_app(Settings(home=tmp_path / "home"))
        async with application.router.lifespan_context(application):
            wb = application.state.workbench
            wb.llm = _service(wb.settings, wb.db, provider)
            transport = httpx.ASGITransport(app=application)
            async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
                res = await client.post(f"{API}/suggest", json={"schema": petstore_text})
                assert res.status_code == 200 and res.json()["items"] == ["Add pagination links"]
                sdk = await client.post(
                    f"{API}/generate-sdk?format=json",
                    json={"schema": petstore_text, "language": "typescript", "prove": False,
                          "docs": True},
                )  # fmt: skip
                assert sdk.status_code == 200 and sdk.json()["docs_model"] == "scripted/scripted-1"
                assert OVERVIEW in sdk.json()["files"]["README.md"]
                bad = await client.post(f"{API}/suggest", json={"schema": petstore_text,
                                                               "max_tokens": 5000})  # fmt: skip
                assert bad.status_code == 422 and "max_tokens" in bad.text

    asyncio.run(main())


def test_cli_suggest_and_sdk_docs(tmp_path, monkeypatch, petstore_text):
    provider = Scripted("- Use plural nouns", OVERVIEW)
    monkeypatch.setattr(
        Workbench, "llm", property(lambda self: _service(self.settings, self.db, provider))
    )
    spec = tmp_path / "petstore.yaml"
    spec.write_text(petstore_text)
    home = ["--home", str(tmp_path / "home")]
    runner = CliRunner()
    said = runner.invoke(cli_app, [*home, "api", "suggest", str(spec)])
    assert said.exit_code == 0, said.output
    assert "- Use plural nouns" in said.stdout and "scripted/scripted-1" in said.stderr
    out = tmp_path / "sdk"
    made = runner.invoke(
        cli_app, [*home, "api", "sdk", str(spec), "-l", "python", "-o", str(out), "--no-prove",
                  "--docs", "--json"],
    )  # fmt: skip
    assert made.exit_code == 0, made.output
    assert json.loads(made.stdout)["docs_model"] == "scripted/scripted-1"
    assert OVERVIEW in (out / "README.md").read_text()


MODELS_DIR = os.environ.get("DEVLAB_TEST_MODELS_DIR") or str(
    Path(tempfile.gettempdir()) / "devlab-test-models"
)


@pytest.mark.slow
@pytest.mark.model
# the suite's first model test: on a fresh machine it pays the packaged model's one-time
# conversion into the shared models folder (minutes on loaded cores), hence the room
@pytest.mark.timeout(900)
@pytest.mark.skipif(
    importlib.util.find_spec("devlab.llm.providers.local") is None, reason="no local provider"
)
def test_the_packaged_model_writes_the_overview_and_suggestions(tmp_path, petstore_model):
    settings = load_settings(home=tmp_path / "home", llm_models_dir=MODELS_DIR)
    bench = Workbench.open(settings)
    try:
        sdk = generate_sdk(petstore_model, "python")
        answer = write_overview(bench.llm, petstore_model, sdk, max_tokens=16)
        assert answer.provider == LOCAL_PROVIDER and answer.text
        assert answer.text in sdk.files["README.md"] and sdk.docs_model
        advice = suggest_design(bench.llm, petstore_model, max_tokens=16)
        assert advice.provider == LOCAL_PROVIDER and advice.text and advice.lint
    finally:
        bench.close()
