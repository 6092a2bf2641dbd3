"""Where a base model's test and code files end (issue 18, i18h): a repeated line, a
line back at column 0, a size limit, an unfinished last line; the stream is stopped
there (the engine's generator closed), not run on to max_tokens. A scripted model
streams endless repetitions: the rule, not a token limit, must end them."""

from __future__ import annotations

import ast
import itertools
from collections.abc import Iterator

from devlab.companion import GenerateRequest
from devlab.companion import generate as loop_module
from devlab.companion.base_prompts import (
    CODE_TOKENS,
    TESTS_TOKENS,
    acceptance_continuation,
    file_end,
    parsing_head,
    solution_continuation,
)
from devlab.llm import GenerationParams, LLMService
from devlab.llm.base import Completion, Usage

PALINDROME = (
    "Write a Python function is_palindrome(s) that returns True when the string s reads "
    "the same backwards, ignoring case."
)


def test_a_test_file_ends_at_a_repeated_assert_a_dedent_or_the_assert_limit():
    tests = acceptance_continuation(PALINDROME, ['assert is_palindrome("aba") == True'])
    looped = 'abc") == False\n    assert is_palindrome("x") == True\n' + (
        '    assert is_palindrome("abc") == False\n' * 3
    )
    assert tests.finish(looped).endswith(
        'def test_is_palindrome():\n    assert is_palindrome("aba") == True\n'
        '    assert is_palindrome("abc") == False\n    assert is_palindrome("x") == True\n'
    )
    # the given assert counts: writing it again ends the file before it
    again = 'aba") == True\n    assert is_palindrome("y") == True\n'
    assert tests.end(again) == 0
    assert tests.finish(again).endswith(
        'def test_is_palindrome():\n    assert is_palindrome("aba") == True\n'
    )
    # the packaged model's next line contradicts a claim: both go (neither is trusted)
    contradiction = 'abc") == True\n    assert is_palindrome("abc") == False\n'
    assert 'is_palindrome("abc")' not in tests.finish(contradiction)
    assert tests.finish(contradiction).rstrip().endswith('assert is_palindrome("aba") == True')
    given = acceptance_continuation(PALINDROME, ['assert is_palindrome("abc") == True'])
    ended = given.finish('abc") == False')  # the stop string "\n\n" took the newline
    # nothing trustworthy is left: the file stays as written (its tests fail: no false pass)
    assert ended.count('is_palindrome("abc")') == 2
    many = "".join(f'{i}") == True\n    assert is_palindrome("' for i in range(20))
    assert tests.finish(many).count("assert ") == 8
    dedent = 'a") == True\nprint(is_palindrome("a"))\n'
    assert tests.finish(dedent).rstrip().endswith('assert is_palindrome("a") == True')
    # a loop inside one line is cut at the line's start once it is this long
    assert tests.end('a") == True\n    assert is_palindrome("' + "ab" * 200) is not None
    # cut by the token limit: the half line goes (it parses, but as another test)
    cut = tests.finish('b") == False\n    assert is_palindrome("abc") == Fal', cut_short=True)
    assert cut.rstrip().endswith('assert is_palindrome("b") == False')


def test_a_code_file_ends_at_repeated_lines_module_code_or_the_line_limit():
    code = solution_continuation(PALINDROME, "")
    done = "    s = s.lower()\n    return s == s[::-1]\n"
    assert code.finish(done + "print(is_palindrome('a'))\n") == "def is_palindrome(s):\n" + done
    assert code.finish("    s = s.lower()\n    s = s.lower()\n    return s\n") == (
        "def is_palindrome(s):\n    s = s.lower()\n"
    )
    branches = "".join(f"    if s == {c!r}:\n        return True\n" for c in "abcdef")
    kept = code.finish(branches)
    assert kept.count("return True") == 3 and kept.rstrip().endswith("return True")
    ast.parse(kept)  # the cut `if` header was dropped
    helper = "    return same(s)\n\ndef same(s):\n    return s == s[::-1]\n"
    assert code.end(helper) is None  # a helper function is not module code
    long_body = "".join(f"    x{i} = {i}\n" for i in range(60))
    assert code.finish(long_body).count("\n") == 41  # the def line and 40 body lines
    # the def line and the worked example before it are the prompt's: never judged
    assert file_end("code", "def f(x):\n    return 1\n") is None
    assert parsing_head("def f(x):\n    if x:\n") == ""  # no body left: the caller keeps the text
    assert code.finish("    if s:\n") == "def is_palindrome(s):\n    if s:\n"


class EndlessBase:
    """A base model that streams one reply's lines and then repeats its last line
    forever; ``closed`` says the service closed the stream (the engine stopped)."""

    base_model = True
    name = model = "endless"
    context_window = 8192

    def __init__(self, *replies: str) -> None:
        self.replies = list(replies)
        self.params: list[GenerationParams] = []
        self.pieces = 0
        self.closed = 0

    def count_tokens(self, text: str) -> int:
        return max(1, len(text) // 4)

    def complete(self, prompt: str, params: GenerationParams) -> Completion:
        """Not streamed: the reply up to the first stop string (as an engine would)."""
        self.params.append(params)
        text = self.replies.pop(0)
        cut = min([text.find(s) for s in params.stop if s in text] or [len(text)])
        return Completion(text=text[:cut], provider=self.name, model=self.model)

    def chat(self, messages, params):  # type: ignore[no-untyped-def]
        raise AssertionError("a base model is never sent chat turns by the loop")

    stream = chat

    def stream_complete(self, prompt: str, params: GenerationParams) -> Iterator[str | Completion]:
        self.params.append(params)
        reply = self.replies.pop(0)
        return self._pieces(reply, params)

    def _pieces(self, reply: str, params: GenerationParams) -> Iterator[str | Completion]:
        lines = reply.splitlines(keepends=True)
        try:
            for line in itertools.islice(itertools.chain(lines, itertools.repeat(lines[-1])), 500):
                for piece in line.split(" "):  # a few pieces per line, like tokens
                    self.pieces += 1
                    yield piece + " " if not piece.endswith("\n") else piece
            yield Completion(text="", provider=self.name, model=self.model, usage=Usage())
        finally:
            self.closed += 1


def test_a_looping_stream_stops_at_the_rule_and_the_files_are_usable(bench, monkeypatch):
    model = EndlessBase(
        'Aba") == True\n    assert is_palindrome("abc") == False\n',
        "    t = s.lower()\n    return t == t[::-1]\n    return t == t[::-1]\n",
    )
    bench.llm = LLMService(
        bench.settings, bench.db, providers={"endless": model}, routes={"default": ["endless"]}
    )
    monkeypatch.setattr(loop_module, "BASE_STOP_RULES", True)
    loop = loop_module.Loop(bench, GenerateRequest(requirement=PALINDROME), "python",
                            loop_module.LAYOUTS["python"], 1, base=True)  # fmt: skip
    spec = loop_module.Spec(summary=PALINDROME, function="is_palindrome")
    tests, error = loop_module.make_tests(loop, spec)
    assert error is None and tests is not None
    assert tests.count('assert is_palindrome("abc") == False') == 1
    assert model.closed == 1 and model.pieces < 40  # stopped at the repeat, not at 500 lines
    assert model.params[0].max_tokens == TESTS_TOKENS
    assert loop.last is not None and loop.last.finish_reason == "stop"
    code = loop_module._ask_base_code(loop, 1, tests, "")
    assert "def is_palindrome(s):\n    t = s.lower()\n    return t == t[::-1]\n```" in code
    assert model.closed == 2 and model.params[1].max_tokens == CODE_TOKENS
    with bench.db.engine.connect() as conn:  # both calls recorded, as stopped
        from sqlalchemy import text

        rows = conn.execute(text("SELECT finish_reason FROM llm_usage")).all()
    assert [r[0] for r in rows] == ["stop", "stop"]


def test_with_the_rules_off_the_request_limit_and_stop_strings_alone_apply(bench, monkeypatch):
    model = EndlessBase('Aba") == True\n\n')
    bench.llm = LLMService(
        bench.settings, bench.db, providers={"endless": model}, routes={"default": ["endless"]}
    )
    monkeypatch.setattr(loop_module, "BASE_STOP_RULES", False)
    loop = loop_module.Loop(bench, GenerateRequest(requirement=PALINDROME, max_tokens=300),
                            "python", loop_module.LAYOUTS["python"], 1, base=True)  # fmt: skip
    tests, _ = loop_module.make_tests(loop, loop_module.Spec(summary="", function="is_palindrome"))
    assert model.params[0].max_tokens == 300
    assert tests is not None and tests.rstrip().endswith('assert is_palindrome("Aba") == True')


def test_the_service_cuts_a_stream_where_the_rule_says(sqlite_settings):
    """``stop_when`` sees the text so far; the cut may fall inside a piece, the
    streamed pieces and the Completion end there, and the stream is closed."""
    from devlab.store.db import Database

    model = EndlessBase("one two three four\n")
    db = Database(sqlite_settings)
    try:
        service = LLMService(sqlite_settings, db, providers={"e": model}, routes={"default": ["e"]})
        seen: list[str] = []
        got = service.complete(
            "generate",
            "count:",
            GenerationParams(max_tokens=50),
            on_token=seen.append,
            stop_when=lambda text: text.find("three") + 3 if "three" in text else None,
        )
    finally:
        db.close()
    assert got.text == "one two thr" == "".join(seen)
    assert got.finish_reason == "stop" and got.usage.completion_tokens >= 1
    assert model.closed == 1 and model.pieces == 3
