"""The REST, WebSocket and CLI doors over a real server and the real CLI, with the
scripted model standing in for ``bench.llm`` (the Workbench builds its service through
``devlab.llm.LLMService``, which these tests replace)."""

from __future__ import annotations

import json

import httpx
import pytest
from typer.testing import CliRunner
from websockets.sync.client import connect

from devlab.cli import app
from devlab.companion import list_feedback
from devlab.llm.base import ProviderError, ProviderTimeout
from helpers import assert_error_shape, wait_job

from .test_generate import RIGHT, SPEC, TESTS, WRONG

API = "/api/v1/devlab"


def test_rest_chat_answers_with_citations_and_keeps_the_conversation(server, model):
    model.replies += ["apply_discount does it [1].", "Yes."]
    resp = httpx.post(
        f"{server}{API}/companion/chat",
        json={"message": "where is the discount?", "project": "shop"},
        timeout=30,
    )
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert body["answer"] == "apply_discount does it [1]." and body["model"] == "scripted-1"
    assert body["citations"][0]["path"] == "shop/pricing.py" and body["citations"][0]["cited"]
    again = httpx.post(
        f"{server}{API}/companion/chat",
        json={"message": "sure?", "conversation_id": body["conversation_id"]},
        timeout=30,
    )
    assert again.status_code == 200
    stored = httpx.get(f"{server}{API}/companion/conversations/{body['conversation_id']}").json()
    assert [m["role"] for m in stored["messages"]] == ["user", "assistant", "user", "assistant"]
    listed = httpx.get(f"{server}{API}/companion/conversations", params={"project": "shop"})
    assert [c["id"] for c in listed.json()] == [body["conversation_id"]]


def test_rest_chat_bad_input(server, model):
    unknown = httpx.post(
        f"{server}{API}/companion/chat", json={"message": "hi", "conversation_id": 4242}
    )
    assert "4242" in assert_error_shape(unknown, 404)["error"]
    empty = httpx.post(f"{server}{API}/companion/chat", json={"message": "  "})
    assert "empty" in assert_error_shape(empty, 400)["error"]
    assert_error_shape(httpx.post(f"{server}{API}/companion/chat", json={}), 422)
    assert_error_shape(httpx.get(f"{server}{API}/companion/conversations/77"), 404)


@pytest.mark.parametrize(("error", "status"), [(ProviderError, 502), (ProviderTimeout, 504)])
def test_rest_provider_failure_is_502_or_504_and_the_conversation_is_kept(
    server, model, error, status
):
    model.replies.append(error("no answer from the server"))
    resp = httpx.post(
        f"{server}{API}/companion/chat", json={"message": "still there?", "project": "shop"}
    )
    body = assert_error_shape(resp, status)
    assert "scripted" in body["error"]
    conversation_id = body["detail"]["conversation_id"]
    kept = httpx.get(f"{server}{API}/companion/conversations/{conversation_id}").json()
    assert [m["content"] for m in kept["messages"]] == ["still there?"]


def test_rest_actions(server, model):
    model.replies += [
        "It discounts big orders.",
        "- line 2: divides by zero -> check the length",
        "- Use a generator",
        "```python\ndef half(x):\n    return x / 2\n```",
        "```python\ndef half(x):\n    return x * 0.5\n```",
        "```javascript\nfunction half(x) { return x / 2; }\n```",
        "no code here",
    ]
    post = lambda path, body: httpx.post(f"{server}{API}{path}", json=body, timeout=30)  # noqa: E731
    explained = post("/explain", {"project": "shop", "symbol": "apply_discount"})
    assert explained.status_code == 200 and explained.json()["text"] == "It discounts big orders."
    assert explained.json()["citations"][0]["path"] == "shop/pricing.py"
    bugs = post(
        "/companion/find-bugs",
        {"code": "def f(xs):\n    return 1 / len(xs)\n", "language": "python"},
    )
    assert bugs.json()["items"] == ["line 2: divides by zero -> check the length"]
    tips = post(
        "/companion/suggest",
        {"code": "x = [i for i in range(9)]", "language": "python", "kind": "optimisation"},
    )
    assert tips.json()["items"] == ["Use a generator"]
    broken = "def half(x):\n    return x / 0\n"
    fixed = post("/generate/fix", {"code": broken, "language": "python", "error": "ZeroDivision"})
    assert fixed.status_code == 200 and "+    return x / 2" in fixed.json()["diff"]
    refactored = post(
        "/generate/refactor", {"code": broken, "language": "python", "kind": "simplify"}
    )
    assert "+    return x * 0.5" in refactored.json()["diff"]
    translated = post(
        "/generate/translate",
        {"code": broken, "language": "python", "target_language": "javascript"},
    )
    assert translated.json()["code"].startswith("function half")
    unparsable = post("/generate/refactor", {"code": broken, "language": "python"})
    assert "no python code" in assert_error_shape(unparsable, 422)["error"]
    assert_error_shape(
        post("/generate/fix", {"code": broken, "language": "python", "error": ""}), 400
    )
    assert_error_shape(post("/explain", {"project": "shop", "symbol": "nope"}), 404)


def test_rest_feedback_stores_rating_correction_prompt_and_model(server, model, shop):
    model.replies.append("apply_discount [1].")
    answer = httpx.post(
        f"{server}{API}/companion/chat", json={"message": "discount?", "project": "shop"}
    ).json()
    resp = httpx.post(
        f"{server}{API}/feedback",
        json={
            "message_id": answer["message_id"],
            "rating": "down",
            "correction": "It is in shop/pricing.py:6-10.",
        },
    )
    assert resp.status_code == 201, resp.text
    info = resp.json()
    assert info["rating"] == "down" and info["correction"].startswith("It is in")
    assert info["model_version"] == "scripted:scripted-1" and info["action"] == "chat"
    assert info["prompt"][-1]["content"].endswith("Question: discount?")
    assert info["context_ids"] == answer["context"] and info["answer"] == "apply_discount [1]."
    assert list_feedback(shop.db)[0].id == info["id"]
    assert httpx.get(f"{server}{API}/feedback").json()[0]["id"] == info["id"]
    assert_error_shape(
        httpx.post(f"{server}{API}/feedback", json={"message_id": 999, "rating": "up"}), 404
    )
    assert_error_shape(
        httpx.post(f"{server}{API}/feedback", json={"message_id": answer["message_id"]}), 422
    )
    user_turn = answer["message_id"] - 1
    # feedback outlives its conversation, keeping its copy of the exchange
    gone = httpx.delete(f"{server}{API}/companion/conversations/{answer['conversation_id']}")
    assert gone.status_code == 204
    assert_error_shape(
        httpx.get(f"{server}{API}/companion/conversations/{answer['conversation_id']}"), 404
    )
    kept = httpx.get(f"{server}{API}/feedback").json()[0]
    assert kept["message_id"] is None and kept["answer"] == "apply_discount [1]."
    model.replies.append("Again.")
    answer = httpx.post(f"{server}{API}/companion/chat", json={"message": "again"}).json()
    user_turn = answer["message_id"] - 1
    assert_error_shape(
        httpx.post(f"{server}{API}/feedback", json={"message_id": user_turn, "rating": "up"}), 422
    )


@pytest.mark.sandbox
@pytest.mark.slow
def test_rest_generate_code_is_a_job_with_an_event_per_round(server, model):
    model.replies += [SPEC, TESTS, WRONG, RIGHT]
    resp = httpx.post(
        f"{server}{API}/generate/code", json={"requirement": "fizzbuzz", "max_rounds": 3}
    )
    assert resp.status_code == 202, resp.text
    job = wait_job(server, resp.json()["id"])
    assert job["status"] == "succeeded", job
    result = job["result"]
    assert result["verdict"] == "passed" and [r["status"] for r in result["rounds"]] == [
        "failed",
        "passed",
    ]
    assert result["rounds"][0]["execution"]["tests"] == {
        "total": 4,
        "passed": 1,
        "failed": 3,
        "error": 0,
        "skipped": 0,
    }
    events = httpx.get(f"{server}{API}/jobs/{job['id']}/events", timeout=30).text
    logs = [
        json.loads(line[6:])["message"]
        for line in events.splitlines()
        if line.startswith("data: ") and '"message"' in line and '"level"' in line
    ]
    assert any(m.startswith("round 1: failed") for m in logs)
    assert any(m.startswith("round 2: passed") for m in logs)
    assert_error_shape(httpx.post(f"{server}{API}/generate/code", json={"requirement": " "}), 400)
    # The loop passed: resuming it is a 409; more rounds for it change nothing.
    resume = f"{server}{API}/generate/code/{result['conversation_id']}/resume"
    assert_error_shape(httpx.post(resume, json={"max_rounds": 5}), 409)
    assert_error_shape(httpx.post(resume, json={"rounds": 5}), 422)  # unknown field
    assert_error_shape(httpx.post(f"{server}{API}/generate/code/99999/resume", json={}), 404)
    assert_error_shape(
        httpx.post(f"{server}{API}/generate/code", json={"requirement": "x", "project": "nope"}),
        404,
    )


def test_websocket_streams_tokens_then_the_answer(server, model):
    model.replies.append("Streaming works token by token [1].")
    url = server.replace("http://", "ws://") + f"{API}/companion/stream"
    with connect(url) as ws:
        ws.send(json.dumps({"message": "discount", "project": "shop"}))
        frames = []
        while True:
            frame = json.loads(ws.recv(timeout=30))
            frames.append(frame)
            if frame["type"] != "token":
                break
    tokens = [f["data"] for f in frames if f["type"] == "token"]
    assert len(tokens) > 3 and frames[-1]["type"] == "answer"
    assert "".join(tokens) == frames[-1]["answer"]["answer"]


def test_websocket_bad_request_gets_an_error_frame(server, model):
    url = server.replace("http://", "ws://") + f"{API}/companion/stream"
    with connect(url) as ws:
        ws.send(json.dumps({"message": ""}))
        frame = json.loads(ws.recv(timeout=30))
    assert frame["type"] == "error" and frame["status"] == 400


# -- CLI --------------------------------------------------------------------------------


def _cli(shop, *args: str):  # type: ignore[no-untyped-def]
    """The CLI on the same store as ``shop`` (its home, and its database on PostgreSQL)."""
    env = {"DEVLAB_DATABASE_URL": shop.settings.database_url or None}
    return CliRunner().invoke(app, ["--home", str(shop.settings.home), *args], env=env)


@pytest.mark.slow
def test_cli_chat_json_has_answer_and_citations(shop, model):
    model.replies += ["apply_discount [1].", "Still apply_discount."]
    result = _cli(shop, "chat", "where is the discount?", "--project", "shop", "--json")
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert body["answer"] == "apply_discount [1]."
    assert body["citations"][0]["path"] == "shop/pricing.py"
    follow = _cli(shop, "chat", "sure?", "--conversation", str(body["conversation_id"]), "--json")
    assert json.loads(follow.stdout)["conversation_id"] == body["conversation_id"]
    missing = _cli(shop, "chat", "hi", "--conversation", "999")
    assert missing.exit_code == 2 and "no conversation 999" in missing.stderr


def test_cli_chat_prints_the_answer_and_its_sources(shop, model):
    model.replies.append("See apply_discount [1].")
    result = _cli(shop, "chat", "discount?", "--project", "shop")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "See apply_discount [1]."
    assert "[1] shop/pricing.py:6-10 (apply_discount)" in result.stderr


def test_cli_explain_and_fix(shop, model, tmp_path):
    source = tmp_path / "half.py"
    source.write_text("def half(x):\n    return x / 0\n")
    model.replies += ["It halves x.", "```python\ndef half(x):\n    return x / 2\n```"]
    explained = _cli(shop, "explain", str(source))
    assert explained.exit_code == 0 and "It halves x." in explained.stdout
    fixed = _cli(shop, "fix", str(source), "--error", "ZeroDivisionError", "--write", str(source))
    assert fixed.exit_code == 0, fixed.output
    assert "+    return x / 2" in fixed.stdout
    assert source.read_text() == "def half(x):\n    return x / 2\n"


@pytest.mark.sandbox
@pytest.mark.slow
def test_cli_generate_json_has_verdict_code_tests_and_rounds(shop, model):
    model.replies += [SPEC, TESTS, WRONG, RIGHT]
    result = _cli(
        shop, "generate", "fizzbuzz", "--language", "python", "--max-rounds", "3", "--json"
    )
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert body["verdict"] == "passed" and "def fizz" in body["code"]
    assert "def test_fizz" in body["tests"]
    assert [r["execution"]["status"] for r in body["rounds"]] == ["runtime_error", "ok"]
    model.replies += [SPEC, TESTS, WRONG]
    failed = _cli(shop, "generate", "fizzbuzz", "--max-rounds", "1", "--json")
    assert failed.exit_code == 1 and json.loads(failed.stdout)["verdict"] == "failed"
    # The failed loop is given a second round: same tests, the model asked for a repair.
    conversation = json.loads(failed.stdout)["conversation_id"]
    model.replies += [RIGHT]
    more = _cli(shop, "generate", "--resume", str(conversation), "--max-rounds", "2", "--json")
    assert more.exit_code == 0, more.output
    assert [r["status"] for r in json.loads(more.stdout)["rounds"]] == ["failed", "passed"]
    assert _cli(shop, "generate", "--resume", str(conversation)).exit_code == 3  # passed: 409
    assert _cli(shop, "generate").exit_code == 2  # neither a requirement nor --resume


def test_cli_feedback(shop, model):
    model.replies.append("It halves x.")
    answer = json.loads(
        _cli(shop, "explain", "--project", "shop", "--symbol", "apply_discount", "--json").stdout
    )
    result = _cli(shop, "feedback", str(answer["message_id"]), "--up", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["rating"] == "up"
    assert _cli(shop, "feedback", str(answer["message_id"])).exit_code == 2
