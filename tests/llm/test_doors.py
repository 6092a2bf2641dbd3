"""The doors: ``devlab usage``/``devlab llm`` (CLI) and ``/usage``/``/llm/*`` (REST on a
real server), checked through the library; and the optional llama.cpp extra."""

from __future__ import annotations

import json
import sys

import httpx
import pytest
from typer.testing import CliRunner

from devlab.cli import app
from devlab.config import load_settings
from devlab.errors import ComponentUnavailable
from devlab.llm import ChatMessage, GenerationParams, LLMService
from devlab.llm.base import Usage
from devlab.llm.providers.llamacpp import LlamaCppProvider
from devlab.llm.providers.scripted import ScriptedProvider
from devlab.llm.usage import parse_since, record_usage
from devlab.store.db import Database
from helpers import assert_error_shape, serve_in_thread

runner = CliRunner()


def _fill(settings) -> None:
    """Three attempts: two answers (one priced) and a failure."""
    db = Database(settings)
    service = LLMService(settings, db, providers={"fake": ScriptedProvider("fake", "one two")})
    service.chat("chat", [ChatMessage(role="user", content="hello there")])
    record_usage(
        db,
        task="generate",
        provider="openai",
        model="gpt-x",
        status="ok",
        usage=Usage(prompt_tokens=1000, completion_tokens=500, latency_ms=900, cost_usd=0.02),
    )
    record_usage(
        db, task="generate", provider="openai", model="gpt-x", status="timeout", error="slow"
    )
    db.close()


def test_cli_usage_json_reports_totals_and_recent(tmp_path):
    home = tmp_path / "home"
    _fill(load_settings(home=home))
    result = runner.invoke(app, ["--home", str(home), "usage", "--json", "--since", "1h"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["requests"] == 3 and report["errors"] == 1
    totals = {t["provider"]: t for t in report["totals"]}
    assert totals["openai"]["cost_usd"] == pytest.approx(0.02)
    assert totals["openai"]["avg_latency_ms"] == pytest.approx(900)  # failures not averaged
    assert totals["fake"]["requests"] == 1 and totals["fake"]["completion_tokens"] == 2
    assert [r["status"] for r in report["recent"]] == ["timeout", "ok", "ok"]

    text = runner.invoke(app, ["--home", str(home), "usage", "--limit", "1"])
    assert text.exit_code == 0 and "3 requests (1 failed)" in text.stdout
    assert "timeout" in text.stdout and "gpt-x" in text.stdout


def test_cli_usage_bad_since_exits_2(tmp_path):
    result = runner.invoke(app, ["--home", str(tmp_path / "h"), "usage", "--since", "yesterday"])
    assert result.exit_code == 2 and "24h" in result.output


def test_cli_llm_providers_and_prompts(tmp_path):
    result = runner.invoke(app, ["--home", str(tmp_path / "h"), "llm", "providers", "--json"])
    assert result.exit_code == 0, result.output
    providers = json.loads(result.stdout)
    assert providers[0]["name"] == "local" and providers[0]["model"] == "gemma3-270m"
    result = runner.invoke(app, ["llm", "prompts", "--json"])
    assert json.loads(result.stdout)["system"] >= 1


def test_devlab_config_masks_provider_keys(tmp_path, monkeypatch):
    monkeypatch.setenv(
        "DEVLAB_LLM_PROVIDERS",
        '{"openai": {"kind": "openai", "base_url": "http://127.0.0.1:9", "model": "m", '
        '"api_key": "sk-very-secret"}}',
    )
    result = runner.invoke(app, ["--home", str(tmp_path / "h"), "config"])
    assert result.exit_code == 0, result.output
    assert "sk-very-secret" not in result.stdout
    assert json.loads(result.stdout)["llm_providers"]["openai"]["base_url"] == "http://127.0.0.1:9"


def test_rest_usage_and_providers_on_a_real_server(tmp_path):
    settings = load_settings(home=tmp_path / "home")
    _fill(settings)
    for base in serve_in_thread(settings):
        report = httpx.get(f"http://{base}/api/v1/devlab/usage", params={"limit": 2}).json()
        assert report["requests"] == 3 and len(report["recent"]) == 2
        assert {t["model"] for t in report["totals"]} == {"scripted", "gpt-x"}
        since = httpx.get(f"http://{base}/api/v1/devlab/usage", params={"since": "2999-01-01"})
        assert since.json()["requests"] == 0
        bad = httpx.get(f"http://{base}/api/v1/devlab/usage", params={"since": "soon"})
        assert_error_shape(bad, 422)
        providers = httpx.get(f"http://{base}/api/v1/devlab/llm/providers").json()
        assert providers[0]["name"] == "local"
        prompts = httpx.get(f"http://{base}/api/v1/devlab/llm/prompts").json()
        assert "system" in prompts


def test_parse_since_durations_and_dates():
    from datetime import datetime

    now = datetime(2026, 1, 2, 12, 0)
    assert parse_since("2h", now=now) == datetime(2026, 1, 2, 10, 0)
    assert parse_since("1d", now=now) == datetime(2026, 1, 1, 12, 0)
    assert parse_since("2026-01-01") == datetime(2026, 1, 1)
    assert parse_since("2026-01-01T12:00:00+02:00") == datetime(2026, 1, 1, 10, 0)


def test_llamacpp_without_the_extra_is_unavailable_with_an_install_hint(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "llama_cpp", None)  # as if not installed
    provider = LlamaCppProvider("cpp", models_dir=tmp_path)
    with pytest.raises(ComponentUnavailable, match=r"pip install 'devlab\[llamacpp\]'"):
        provider.chat([ChatMessage(role="user", content="hi")], GenerationParams())
    assert not any(tmp_path.iterdir())  # nothing assembled for nothing


def test_llamacpp_provider_is_built_from_settings(tmp_path):
    settings = load_settings(
        home=tmp_path / "h", llm_providers={"cpp": {"kind": "llamacpp", "model": "/m/x.gguf"}}
    )
    service = LLMService(settings)
    assert isinstance(service.providers["cpp"], LlamaCppProvider)
    assert service.providers["cpp"].model == "x.gguf"


def test_cli_llm_ask_refuses_a_bad_schema_file_before_any_model_loads(tmp_path):
    home = ["--home", str(tmp_path / "h")]
    (tmp_path / "list.json").write_text("[1, 2]")
    (tmp_path / "broken.json").write_text("{")
    (tmp_path / "huge.json").write_text(json.dumps({"description": "x" * 30_000}))
    cases = {
        "missing.json": "cannot read it",
        "list.json": "a JSON Schema is a JSON object",
        "broken.json": "not JSON",
        "huge.json": "at most 20000",
    }
    for name, message in cases.items():
        args = [*home, "llm", "ask", "hi", "--schema", str(tmp_path / name)]
        result = runner.invoke(app, args)
        said = " ".join(result.output.split())  # the error is wrapped to the terminal
        assert result.exit_code == 2 and message in said, (name, result.output)
