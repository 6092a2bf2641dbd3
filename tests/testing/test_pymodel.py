"""What generation takes from a language model's answer (``pymodel``): its calls become
probe calls with their setup, only with names that exist; a base model gets a page to
continue; the answer stops when its time is up (a scripted LLM service stands in for the
provider, as in the orchestration tests)."""

from __future__ import annotations

import time
from collections.abc import Iterator

from devlab.llm import Completion
from devlab.testing.pymodel import (
    allowed_imports,
    ask_for_tests,
    calls_from_code,
    model_page,
    repeating,
    whole_tests,
)
from devlab.testing.service import LLMTestModel
from devlab.testing.targets import find_targets

CACHE = """
class Cache:
    def __init__(self, maxsize):
        self.maxsize = maxsize
        self.data = {}

    def put(self, key, value):
        if len(self.data) >= self.maxsize:
            self.data.pop(next(iter(self.data)))
        self.data[key] = value
"""

ANSWER = """import pytest
import os
import numpy as np
from cache import Cache


def test_put_evicts():
    c = Cache(1)
    c.put('a', 1)
    c.put('b', 2)
    assert c.data == {'b': 3}
    assert len(c.data) == 7


def test_uses_unknown_name():
    assert Cache(helper(2)).maxsize == 2


def test_raises():
    with pytest.raises(TypeError):
        Cache()


def test_cut_off_mid_way():
    c = Cache(2)
    assert c.put('x', (1,
"""


def test_answer_calls_become_probe_calls_with_their_setup():
    calls = calls_from_code(ANSWER, {"Cache"}, "Cache.put", allowed_imports(ANSWER))
    got = [(c.setup, c.expr) for c in calls]
    setup = ("c = Cache(1)", "c.put('a', 1)", "c.put('b', 2)")
    # the model's wrong expected values are not taken: only what it calls and observes
    assert (setup, "c.data") in got and (setup, "len(c.data)") in got
    assert ((), "Cache(1)") in got and (("c = Cache(1)",), "c.put('a', 1)") in got
    assert ((), "Cache()") in got  # a call inside pytest.raises: its outcome is probed
    # a name the answer never defines is not called; the cut-off test is read up to its end
    assert not any("helper" in c.expr for c in calls)
    assert ((), "Cache(2)") in got
    assert len({c.id for c in calls}) == len(calls) and all(not c.annotated for c in calls)
    # only standard-library imports go with the calls (numpy would fail the probe file)
    assert allowed_imports(ANSWER) == ("import pytest", "import os") or "import os" in (
        allowed_imports(ANSWER)
    )
    assert not any("numpy" in line for c in calls for line in c.imports)


def test_whole_tests_keep_what_parses_with_the_module_import():
    target = next(t for t in find_targets(CACHE) if t.qualname == "Cache.put")
    cands = whole_tests(ANSWER, target, "cache")
    names = [c.name for c in cands]
    assert "test_put_evicts" in names and "test_cut_off_mid_way" in names
    # an answer cut off mid-way keeps the finished part of its last test
    cut = next(c for c in cands if c.name == "test_cut_off_mid_way")
    assert cut.code == "def test_cut_off_mid_way():\n    c = Cache(2)\n"
    assert all("from cache import Cache" in c.imports for c in cands)
    assert all(c.strategy == "model" for c in cands)


def test_base_model_page_ends_with_the_test_file_start():
    target = next(t for t in find_targets(CACHE) if t.qualname == "Cache.put")
    page, start = model_page(target, "cache", "cache.py", ["Cache"])
    assert page.endswith(start) and "def put(self, key, value):" in page
    assert start.rstrip().endswith("obj = Cache(")


class ScriptedLLM:
    """An LLM service whose base model writes one token every ``delay`` seconds."""

    def __init__(self, pieces: list[str], delay: float, base: bool):
        self.pieces, self.delay, self.is_base = pieces, delay, base
        self.closed = False

    def base_model(self, task: str) -> bool:
        return self.is_base

    def complete(self, task, text, params, *, stop_when=None):
        out = ""
        for piece in self.pieces:
            time.sleep(self.delay)
            out += piece
            cut = stop_when(out) if stop_when else None
            if cut is not None:
                return Completion(text=out[:cut], provider="s", model="s")
        return Completion(text=out, provider="s", model="s")

    def stream(self, task, messages, params) -> Iterator[str | Completion]:
        try:
            for piece in self.pieces:
                time.sleep(self.delay)
                yield piece
            yield Completion(text="".join(self.pieces), provider="s", model="s")
        finally:
            self.closed = True


def test_base_model_continues_the_page_and_stops_when_its_time_is_up():
    target = next(t for t in find_targets(CACHE) if t.qualname == "Cache.put")
    pieces = ["1)\n", "    obj.put('a', 1)\n", "    assert obj.data == {}\n"] + ["#"] * 50
    model = LLMTestModel(ScriptedLLM(pieces, 0.05, base=True))
    started = time.monotonic()
    code = ask_for_tests(model, target, module="cache", path="cache.py", missing=[9], seconds=0.4)
    assert time.monotonic() - started < 1.5
    assert code.startswith("import pytest\nfrom cache import Cache")
    calls = calls_from_code(code, {"Cache"}, "Cache.put")
    assert (("obj = Cache(1)", "obj.put('a', 1)"), "obj.data") in [(c.setup, c.expr) for c in calls]


def test_chat_model_answer_is_cut_and_its_generation_closed():
    llm = ScriptedLLM(
        ["```python\n", "def test_a():\n", "    assert 1\n"] + ["x"] * 50, 0.05, False
    )
    model = LLMTestModel(llm)
    started = time.monotonic()
    text = model.chat("system", "user", 0.3)
    assert time.monotonic() - started < 1.0 and text.startswith("```python")
    assert llm.closed


def test_a_base_model_repeating_itself_is_stopped():
    assert not repeating("assert f(1) == 2\nassert f(2) == 3\n")
    text = "    assert f('1:24') == 84\n" * 3 + "    as"
    assert repeating(text)
    assert not repeating(")\n)\n)\n)\n")  # brackets repeat in any file
