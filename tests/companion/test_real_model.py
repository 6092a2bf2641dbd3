"""End to end with the real packaged model (Gemma 3 270M on CPU, through the default
``bench.llm``): every action runs, and what comes back has the right shape and came
from that model. A 270M model rarely writes correct code, so these tests do not judge
quality: a code action may end in ``UnparsableCode`` (its reply is still stored), and
the loop may fail its rounds.

Replies are kept to a few tokens so each test takes seconds once the model is loaded.
The converted model (about 80 s to build once) is cached in ``DEVLAB_TEST_MODELS_DIR``,
else in ``devlab-test-models`` under the system temp directory, shared by test runs.
"""

from __future__ import annotations

import importlib.util
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from devlab.companion import (
    ChatRequest,
    CodeInput,
    ExplainRequest,
    FixRequest,
    GenerateRequest,
    RefactorRequest,
    SuggestRequest,
    TranslateRequest,
    UnparsableCode,
    apply_diff,
    chat,
    explain,
    find_bugs,
    fix,
    generate_code,
    get_conversation,
    refactor,
    suggest,
    translate,
)
from devlab.config import LOCAL_PROVIDER, load_settings
from devlab.search import index_project
from devlab.workbench import Workbench
from helpers import SAMPLE, serve_in_thread, write_tree

MODELS_DIR = os.environ.get("DEVLAB_TEST_MODELS_DIR") or str(
    Path(tempfile.gettempdir()) / "devlab-test-models"
)
HAS_LOCAL = importlib.util.find_spec("devlab.llm.providers.local") is not None
PACKAGED = "gemma3-270m"
TOKENS = 24

pytestmark = [
    pytest.mark.model,
    pytest.mark.slow,
    pytest.mark.skipif(not HAS_LOCAL, reason="devlab.llm.providers has no local provider yet"),
]

CODE = (
    "def average(values):\n"
    "    total = 0\n"
    "    for v in values:\n"
    "        total += v\n"
    "    return total / len(values)\n"
)


@pytest.fixture(scope="module")
def real(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workbench]:
    """A workbench on the default LLM configuration (the packaged local model) with the
    sample shop ingested."""
    root = tmp_path_factory.mktemp("real-model")
    settings = load_settings(home=root / "home", llm_models_dir=MODELS_DIR)
    bench = Workbench.open(settings)
    repo = write_tree(root / "shop-src", SAMPLE)
    index_project(bench.db, settings, name="shop", source=str(repo), embed=False)
    yield bench
    bench.close()


def _from_packaged_model(provider: str, model: str) -> None:
    assert provider == LOCAL_PROVIDER and model == PACKAGED


def _stored_reply(bench: Workbench, conversation_id: int, message_id: int) -> str:
    message = next(
        m for m in get_conversation(bench.db, conversation_id).messages if m.id == message_id
    )
    _from_packaged_model(message.provider or "", message.model or "")
    assert message.content.strip()
    return message.content


def test_chat(real):
    answer = chat(
        real,
        ChatRequest(
            message="What does apply_discount do?", project="shop", retrieve=2, max_tokens=TOKENS
        ),
    )
    _from_packaged_model(answer.provider, answer.model)
    assert answer.answer.strip() and answer.usage["completion_tokens"] > 0
    assert answer.citations and {c.path for c in answer.citations} >= {"shop/pricing.py"}
    assert _stored_reply(real, answer.conversation_id, answer.message_id) == answer.answer


ECHO_MARKERS = (
    "You are",  # the chat and explain system prompts start so
    "Answer the developer's question",
    "senior engineer",
    "Question:",
    "Answer:",
)


def test_the_base_model_answers_instead_of_echoing(real):
    """The packaged model is a base model: chat and explain give it a Q&A page to
    continue, and what comes back is an answer, not the prompt (issue 18)."""
    assert real.llm.base_model("chat") and real.llm.base_model("explain")
    replies = [
        chat(
            real,
            ChatRequest(message=question, project="shop", retrieve=2, max_tokens=40, temperature=0),
        ).answer
        for question in ("What does apply_discount do?", "Where is the cart total computed?")
    ]
    for question in ("", "What happens with an empty list?"):
        replies.append(
            explain(
                real,
                ExplainRequest(
                    code=CODE, language="python", question=question, max_tokens=40, temperature=0
                ),
            ).text
        )
    for reply in replies:
        assert reply.strip(), replies
        assert not any(marker in reply for marker in ECHO_MARKERS), reply
        assert "def average(values):" not in reply  # not the code given back


@pytest.mark.parametrize(
    ("action", "request_"),
    [
        (explain, ExplainRequest(code=CODE, language="python", max_tokens=TOKENS)),
        (find_bugs, CodeInput(code=CODE, language="python", max_tokens=TOKENS)),
        (
            suggest,
            SuggestRequest(code=CODE, language="python", kind="optimisation", max_tokens=TOKENS),
        ),
    ],
    ids=["explain", "find_bugs", "suggest"],
)
def test_text_actions(real, action, request_):
    answer = action(real, request_)
    _from_packaged_model(answer.provider, answer.model)
    assert answer.text.strip()
    assert _stored_reply(real, answer.conversation_id, answer.message_id) == answer.text


@pytest.mark.parametrize(
    ("action", "request_"),
    [
        (refactor, RefactorRequest(code=CODE, language="python", kind="simplify", max_tokens=48)),
        (
            fix,
            FixRequest(
                code=CODE,
                language="python",
                error="ZeroDivisionError: division by zero (average([]))",
                max_tokens=48,
            ),
        ),
        (
            translate,
            TranslateRequest(
                code=CODE, language="python", target_language="javascript", max_tokens=48
            ),
        ),
    ],
    ids=["refactor", "fix", "translate"],
)
def test_code_actions(real, action, request_):
    try:
        answer = action(real, request_)
    except UnparsableCode as exc:  # the model's reply held no code that parses
        _stored_reply(real, exc.detail["conversation_id"], exc.detail["message_id"])
        return
    _from_packaged_model(answer.provider, answer.model)
    assert answer.code.strip()
    if answer.diff:
        assert apply_diff(CODE, answer.diff) == answer.code
    _stored_reply(real, answer.conversation_id, answer.message_id)


@pytest.mark.sandbox
def test_generation_loop(real):
    # the acceptance tests are given, to keep it to few model calls; the packaged model
    # is a base model, so the loop continues the solution file (no spec call) and the
    # code reaches the sandbox
    result = generate_code(
        real,
        GenerateRequest(
            requirement="Write a function add(a, b) that returns the sum of two numbers.",
            tests="from solution import add\n\n\ndef test_add():\n    assert add(2, 3) == 5\n",
            max_rounds=1,
            max_tokens=48,
            timeout_seconds=20,
        ),
    )
    assert result.verdict in ("passed", "failed") and len(result.rounds) == 1
    [only] = result.rounds
    _from_packaged_model(only.provider, only.model)
    if only.status == "unparsable":
        assert only.execution is None and only.error
    else:
        assert only.execution is not None and only.execution.status
    _stored_reply(real, result.conversation_id, result.message_id)


def test_rest_chat_uses_the_packaged_model(real):
    for hostport in serve_in_thread(real.settings):
        resp = httpx.post(
            f"http://{hostport}/api/v1/devlab/companion/chat",
            json={"message": "What is Cart?", "project": "shop", "max_tokens": 16},
            timeout=300,
        )
        assert resp.status_code == 200, resp.text
        body = resp.json()
        _from_packaged_model(body["provider"], body["model"])
        assert body["answer"].strip()


def test_the_base_model_spec_page_parses_under_the_schema(real):
    # the verified loop's spec on the packaged base model: a page continued under the
    # spec's JSON Schema parses, with the two examples the schema asks for
    from devlab.companion import generate as loop_module

    requirement = (
        "Write a Python function is_palindrome(s) that returns True when the string s "
        "reads the same backwards, ignoring case."
    )
    req = GenerateRequest(requirement=requirement, temperature=0.0)
    loop = loop_module.Loop(real, req, "python", loop_module.LAYOUTS["python"], 0, base=True)
    spec = loop_module._base_spec(loop, requirement, tests_given=False)
    assert spec.source == "model" and spec.function == "is_palindrome"
    assert len(spec.examples) >= 2 and all("input" in e for e in spec.examples)
    assert loop.last is not None and loop.last.usage.completion_tokens <= 400
    _from_packaged_model(loop.last.provider, loop.last.model)
