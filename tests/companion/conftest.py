"""A scripted language model (deterministic replies, in order) and a small ingested
project for the companion's orchestration tests. The model is fake on purpose: these
tests check what the companion does with replies; tests/companion/test_real_model.py
drives the packaged model."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from devlab.llm.base import ChatMessage, Completion, GenerationParams, Usage
from devlab.llm.service import LLMService
from devlab.search import index_project
from devlab.workbench import Workbench
from helpers import SAMPLE, serve_in_thread, write_tree

Reply = str | Exception | Callable[[list[ChatMessage]], str]

VENDORED = '''# SPDX-License-Identifier: GPL-3.0-only
"""Left-pad strings (copied from a GPL project)."""


def left_pad(text, width, fill=" "):
    """Pad text on the left to width characters."""
    return fill * (width - len(text)) + text
'''

TESTED_PROJECT = {
    "calc/__init__.py": "",
    "calc/ops.py": '''"""Arithmetic helpers."""


def add(a, b):
    """Sum of a and b."""
    return a + b


def mean(values):
    """Arithmetic mean of a non-empty list."""
    return sum(values) / len(values)
''',
    "tests/test_ops.py": """from calc.ops import add, mean


def test_add():
    assert add(2, 3) == 5


def test_mean():
    assert mean([1, 2, 3]) == 2
""",
    "LICENSE": SAMPLE["LICENSE"],
}


class ScriptedProvider:
    """Implements the ``LLMProvider`` protocol with replies given in advance. A reply
    may be text, a function of the messages, or an exception to raise (a provider that
    is down). ``calls`` keeps every request's messages."""

    def __init__(self, replies: list[Reply], context_window: int = 8192) -> None:
        self.name = "scripted"
        self.model = "scripted-1"
        self.context_window = context_window
        self.replies = list(replies)
        self.calls: list[list[ChatMessage]] = []

    def _next(self, messages: list[ChatMessage]) -> str:
        self.calls.append(list(messages))
        if not self.replies:
            raise AssertionError("the scripted model ran out of replies")
        reply = self.replies.pop(0)
        if isinstance(reply, Exception):
            raise reply
        return reply(messages) if callable(reply) else reply

    def _completion(self, messages: list[ChatMessage], text: str) -> Completion:
        prompt = sum(self.count_tokens(m.content) for m in messages)
        usage = Usage(prompt_tokens=prompt, completion_tokens=self.count_tokens(text))
        return Completion(text=text, provider=self.name, model=self.model, usage=usage)

    def chat(self, messages: list[ChatMessage], params: GenerationParams) -> Completion:
        return self._completion(messages, self._next(messages))

    def stream(
        self, messages: list[ChatMessage], params: GenerationParams
    ) -> Iterator[str | Completion]:
        text = self._next(messages)
        yield from re.findall(r"\S+\s*|\s+", text)
        yield self._completion(messages, text)

    def count_tokens(self, text: str) -> int:
        return (len(text) + 3) // 4

    def prompt(self, call: int = -1) -> str:
        """All the text of one request (default: the last)."""
        return "\n".join(m.content for m in self.calls[call])


def scripted_service(bench: Workbench, provider: ScriptedProvider) -> LLMService:
    return LLMService(
        bench.settings,
        bench.db,
        providers={"scripted": provider},
        routes={"default": ["scripted"]},
    )


@pytest.fixture
def scripted(bench: Workbench) -> Callable[..., ScriptedProvider]:
    """``scripted(reply, ...)`` makes ``bench.llm`` answer with these replies."""

    def install(*replies: Reply, context_window: int = 8192) -> ScriptedProvider:
        provider = ScriptedProvider(list(replies), context_window)
        bench.llm = scripted_service(bench, provider)
        return provider

    return install


@pytest.fixture
def shop(bench: Workbench, tmp_path: Path) -> Workbench:
    """The sample shop (MIT) plus one file copied from a GPL project, ingested as project "shop"
    (lexical index; no embeddings, to stay fast)."""
    repo = write_tree(tmp_path / "shop-src", {**SAMPLE, "shop/padding.py": VENDORED})
    index_project(bench.db, bench.settings, name="shop", source=str(repo), embed=False)
    return bench


@pytest.fixture
def calc(bench: Workbench, tmp_path: Path) -> Workbench:
    """A small Python project with a pytest suite, ingested as project "calc"."""
    repo = write_tree(tmp_path / "calc-src", TESTED_PROJECT)
    index_project(bench.db, bench.settings, name="calc", source=str(repo), embed=False)
    return bench


@pytest.fixture
def model(monkeypatch: pytest.MonkeyPatch) -> ScriptedProvider:
    """The scripted model every Workbench (server or CLI) gets; add replies to it."""
    provider = ScriptedProvider([])

    def service(settings, db=None, **_):  # type: ignore[no-untyped-def]
        return LLMService(
            settings, db, providers={"scripted": provider}, routes={"default": ["scripted"]}
        )

    monkeypatch.setattr("devlab.llm.LLMService", service)  # what Workbench.llm builds
    return provider


@pytest.fixture
def server(shop, model) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """A real server over the ``shop`` project, answering with ``model``."""
    for hostport in serve_in_thread(shop.settings):
        yield f"http://{hostport}"
