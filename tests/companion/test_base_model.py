"""The verified loop on a base model (issue 18): completion-style prompts (a worked
example, the requirement as a comment, the ``def`` line), stop sequences, a spec page
decoded under the spec's JSON schema whose examples begin the tests."""

from __future__ import annotations

import ast
import json

import pytest

from devlab.companion import GenerateRequest, generate_code
from devlab.companion.base_prompts import acceptance_continuation, signature, solution_continuation
from devlab.llm import GenerationParams

PALINDROME = (
    "Write a Python function is_palindrome(s) that returns True when the string s reads "
    "the same backwards, ignoring case."
)


def test_signature_comes_from_the_requirement():
    assert signature(PALINDROME) == ("is_palindrome", "s")
    assert signature("Write add(a, b=0) returning a + b") == ("add", "a, b=0")
    assert signature("Sort a list") == ("solve", "*args")
    assert signature("call f(x + 1) twice") == ("f", "*args")  # not a parameter list


def test_continuations_end_where_the_model_writes_on():
    tests = acceptance_continuation(PALINDROME)
    # a string argument starts as a literal (a small model otherwise passes ``s``)
    assert tests.text.endswith('def test_is_palindrome():\n    assert is_palindrome("')
    assert acceptance_continuation("Write total(xs) summing a list").prefix.endswith("total([")
    assert tests.prefix.startswith("from solution import is_palindrome")
    assert "count_vowels" in tests.text and "\n\n" in tests.stop
    code = solution_continuation(PALINDROME, tests.prefix + 'Aba") is True\n', "AssertionError")
    assert code.text.endswith(
        '# It passes: assert is_palindrome("Aba") is True\n'
        "# An earlier version failed: AssertionError\n"
        "def is_palindrome(s):\n"
    )
    assert code.prefix == "def is_palindrome(s):\n"
    example = code.text.split("\n\n\n# solution.py")[0].split("\n", 2)[2]
    ast.parse(example.replace("# It passes:", "#"))  # the worked example is valid Python


class BaseScripted:
    """A base model in a test: it continues text (``complete``) and says it is base."""

    base_model = True

    def __init__(self, *replies: str) -> None:
        from devlab.llm.providers.scripted import ScriptedProvider

        self.inner = ScriptedProvider("base", list(replies))
        self.name, self.model, self.context_window = "base", "base", 8192
        self.prompts: list[str] = []
        self.params: list[GenerationParams] = []

    def count_tokens(self, text: str) -> int:
        return self.inner.count_tokens(text)

    def chat(self, messages, params):  # type: ignore[no-untyped-def]
        raise AssertionError("a base model is never sent chat turns by the loop")

    stream = chat

    def complete(self, prompt, params):  # type: ignore[no-untyped-def]
        self.prompts.append(prompt)
        self.params.append(params)
        from devlab.llm.base import ChatMessage

        return self.inner.chat([ChatMessage(role="user", content=prompt)], params)

    def stream_complete(self, prompt, params):  # type: ignore[no-untyped-def]
        return iter([self.complete(prompt, params)])


@pytest.mark.sandbox
@pytest.mark.slow
def test_loop_on_a_base_model_continues_files_and_reaches_a_verdict(bench):
    from devlab.llm import LLMService

    spec = {"summary": "", "function": "is_palindrome", "inputs": [], "outputs": [],
            "constraints": [], "acceptance_tests": [],
            "examples": [{"input": '"Aba"', "output": "True"},
                         {"input": '"ab"', "output": "False"}]}  # fmt: skip
    model = BaseScripted(
        json.dumps(spec),  # the spec page, decoded under the schema
        'Racecar") is True\n    assert is_palindrome("abc") is False',  # tests
        "    return s == s[::-1]",  # round 1: case is not ignored
        "    s = s.lower()\n    return s == s[::-1]",  # round 2
    )
    bench.llm = LLMService(
        bench.settings, bench.db, providers={"base": model}, routes={"default": ["base"]}
    )
    result = generate_code(bench, GenerateRequest(requirement=PALINDROME, max_rounds=2))
    assert result.spec.source == "model" and result.spec.function == "is_palindrome"
    assert model.params[0].json_schema is not None
    assert result.tests.startswith("from solution import is_palindrome")
    assert 'assert is_palindrome("Aba") == True\n    assert is_palindrome("ab") == False' in (
        result.tests
    )
    assert [r.status for r in result.rounds] == ["failed", "passed"]
    assert result.verdict == "passed"
    assert result.code.startswith("def is_palindrome(s):\n    s = s.lower()")
    assert len(model.prompts) == 4  # spec, tests, code, code again
    assert model.prompts[2].endswith("def is_palindrome(s):\n")
    assert "# An earlier version failed" in model.prompts[3]
    assert model.params[2].stop and model.params[3].temperature >= 0.7


def test_chat_and_explain_on_a_base_model_continue_a_question_page(bench):
    """No chat turns, no system prompt: a Q&A page that ends in ``Answer:``, with stops."""
    from devlab.companion import ChatRequest, ExplainRequest, chat, explain
    from devlab.companion.base_prompts import ANSWER_STOPS
    from devlab.llm import LLMService

    model = BaseScripted(" It averages the values.", " It raises ZeroDivisionError.")
    bench.llm = LLMService(
        bench.settings, bench.db, providers={"base": model}, routes={"default": ["base"]}
    )
    code = "def average(values):\n    return sum(values) / len(values)\n"
    answer = chat(bench, ChatRequest(message="What does average do?"))
    assert answer.answer == "It averages the values."  # stripped
    explained = explain(bench, ExplainRequest(code=code, language="python", question="Empty list?"))
    assert explained.text == "It raises ZeroDivisionError."
    chat_page, explain_page = model.prompts
    assert chat_page.endswith("Question: What does average do?\nAnswer:")
    assert explain_page.endswith("Question: Empty list?\nAnswer:")
    assert "```python\n" + code + "```\n" in explain_page
    assert "You are" not in chat_page + explain_page  # no system prompt to echo
    assert model.params[0].stop == ANSWER_STOPS == model.params[1].stop


def test_a_request_for_code_on_a_base_model_opens_a_code_block(bench):
    """ "Write ..." gets a page whose answer is an open fence: the model writes code (the
    plain Q&A page stopped at once at the fence, giving empty answers)."""
    from devlab.companion import ChatRequest, chat
    from devlab.companion.base_prompts import CODE_ANSWER_STOPS, asks_for_code
    from devlab.llm import LLMService

    assert asks_for_code("Write a function that adds") and asks_for_code("please implement x")
    assert not asks_for_code("What does add do?") and not asks_for_code("")
    model = BaseScripted("def add(a, b):\n    return a + b\n")
    bench.llm = LLMService(
        bench.settings, bench.db, providers={"base": model}, routes={"default": ["base"]}
    )
    answer = chat(bench, ChatRequest(message="Write a Python function add(a, b)."))
    assert answer.answer == "```python\ndef add(a, b):\n    return a + b\n```"
    ast.parse(answer.answer.split("```python\n")[1].split("```")[0])
    assert model.prompts[0].endswith("Answer:\n```python\n")
    assert model.params[0].stop == CODE_ANSWER_STOPS


def test_a_translation_starts_from_the_function_line():
    from devlab.companion.base_prompts import translated_header

    code = "class S:\n    def sign(self, value: str | bytes, *, sep: str = '.') -> bytes:\n"
    assert translated_header(code, "python", "typescript") == "function sign(value, sep) {\n"
    assert translated_header(code, "python", "go") == ""
    assert translated_header("x = 1\n", "python", "javascript") == ""


def test_the_other_actions_on_a_base_model_continue_a_page(bench):
    """bugs/suggest continue a code review whose list has begun; refactor/fix/translate
    fill the open "after" code block of a before/after page. No chat turns, and the
    page (what the model saw) is the stored prompt."""
    from devlab.companion import (
        CodeInput,
        FixRequest,
        RefactorRequest,
        SuggestRequest,
        TranslateRequest,
        find_bugs,
        fix,
        refactor,
        suggest,
        translate,
    )
    from devlab.companion.base_prompts import REVIEW_STOPS, REWRITE_STOPS
    from devlab.llm import LLMService

    code = "def average(values):\n    return sum(values) / len(values)\n"
    model = BaseScripted(
        "2: divides by zero for an empty list\n- line 2: no type check\n"
        "- line 3: no type check\n- line 4: no type check",  # a base model's loop, cut
        "use statistics.mean\n" + "".join(f"- idea {n}: {w}\n" for n, w in enumerate("abcdefg")),
        "    return sum(values) / max(len(values), 1)\n",
        "def average(values):\n    total = sum(values)\n    return total / len(values)\n",
        "  return values.reduce((a, b) => a + b, 0) / values.length;\n}\n",
    )
    bench.llm = LLMService(
        bench.settings, bench.db, providers={"base": model}, routes={"default": ["base"]}
    )
    given = {"code": code, "language": "python"}
    bugs = find_bugs(bench, CodeInput(**given))
    assert bugs.items == ["line 2: divides by zero for an empty list", "line 2: no type check"]
    ideas = suggest(bench, SuggestRequest(**given, kind="optimisation"))
    assert ideas.items == ["use statistics.mean", "idea 0: a", "idea 1: b", "idea 2: c",
                           "idea 3: d"]  # fmt: skip
    fixed = fix(bench, FixRequest(**given, error="ZeroDivisionError: division by zero"))
    assert fixed.code == "def average(values):\n    return sum(values) / max(len(values), 1)\n"
    assert "+    return sum(values) / max(len(values), 1)" in fixed.diff
    simpler = refactor(bench, RefactorRequest(**given, kind="simplify"))
    assert "    total = sum(values)\n" in simpler.code and simpler.diff
    js = translate(bench, TranslateRequest(**given, target_language="javascript"))
    assert js.code.startswith("function average(values) {\n  return values.reduce(")

    bugs_page, suggest_page, fix_page, refactor_page, translate_page = model.prompts
    assert bugs_page.endswith("```\nBugs:\n- line ") and "   2      return sum" in bugs_page
    assert suggest_page.endswith("Suggestions (optimisation):\n- ")
    assert "It fails with:\n```\nZeroDivisionError: division by zero\n```\n" in fix_page
    assert fix_page.endswith("# After: the fixed code.\n```python\ndef average(values):\n")
    assert refactor_page.endswith("# After: make it simpler and clearer\n```python\n")
    assert translate_page.endswith(
        "# After: the same code in javascript.\n```javascript\nfunction average(values) {\n"
    )
    assert "You " not in "".join(model.prompts)  # no system prompt to echo
    assert [p.stop for p in model.params] == [REVIEW_STOPS] * 2 + [REWRITE_STOPS] * 3
    stored = bench.db.session
    from devlab.store.models import MessageRow

    with stored() as s:
        row = s.get(MessageRow, bugs.message_id)
        assert row is not None and row.prompt[0]["content"] == bugs_page


def test_a_method_is_shown_dedented_and_put_back_at_its_indentation(bench):
    from devlab.companion import RefactorRequest, refactor
    from devlab.llm import LLMService

    method = "    def total(self):\n        return sum(self.items)\n"
    model = BaseScripted("def total(self):\n    return sum(self.items or [])\n")
    bench.llm = LLMService(
        bench.settings, bench.db, providers={"base": model}, routes={"default": ["base"]}
    )
    answer = refactor(bench, RefactorRequest(code=method, language="python", kind="simplify"))
    assert "```python\ndef total(self):\n    return sum(self.items)\n```" in model.prompts[0]
    assert answer.code == "    def total(self):\n        return sum(self.items or [])\n"
    assert "+        return sum(self.items or [])" in answer.diff


def test_spec_examples_become_asserts_only_when_they_call_the_function():
    from devlab.companion.base_prompts import spec_asserts, spec_continuation

    examples = [
        {"input": 'is_palindrome("Aba")', "output": "True"},
        {"input": 'count_vowels("banana")', "output": "3"},  # the worked example's, copied
        {"input": "is_palindrome(", "output": "True"},  # does not parse
        {"input": '"xyx"', "output": "True"},  # bare arguments
        {"input": "print(1)", "output": "None"},  # a call, not the function's
        {"input": 'is_palindrome("a", "b")', "output": '"a", "b"'},  # an assert with a message
        "is_palindrome('x')",  # not an input/output pair
    ]
    checks = ['is_palindrome("abc") == False', 'count_vowels("AEIOU") == 5', "is_palindrome"]
    assert spec_asserts("is_palindrome", examples, checks) == [
        'assert is_palindrome("Aba") == True',
        'assert is_palindrome("xyx") == True',
        'assert is_palindrome("abc") == False',
    ]
    contradicting = [{"input": 'is_palindrome("abc")', "output": out} for out in ("True", "False")]
    assert spec_asserts("is_palindrome", contradicting + examples[:1], []) == [
        'assert is_palindrome("Aba") == True'
    ]
    assert spec_asserts("f", [{"input": "f(1)", "output": "2"}] * 2, ["f(1) == 2"]) == [
        "assert f(1) == 2"
    ]
    many = [{"input": f"f({i})", "output": str(i)} for i in range(9)]
    assert len(spec_asserts("f", many, [])) == 4
    page = spec_continuation(PALINDROME)
    assert page.text.endswith(f"# Requirement: {PALINDROME}\n")
    assert json.loads(page.text.splitlines()[2])["function"] == "count_vowels"
    tests = acceptance_continuation(PALINDROME, ['assert is_palindrome("Aba") == True'])
    assert tests.prefix.endswith(
        'def test_is_palindrome():\n    assert is_palindrome("Aba") == True\n'
        '    assert is_palindrome("'
    )


@pytest.mark.parametrize("asked", [False, True])
def test_a_base_model_spec_is_asked_under_the_schema_only_when_switched_on(
    bench, monkeypatch, asked
):
    from devlab.companion import generate as loop_module
    from devlab.companion.models import SPEC_SCHEMA
    from devlab.llm import LLMService

    spec = {"summary": "s", "function": "wrong_name", "inputs": [], "outputs": [],
            "constraints": [], "examples": [{"input": 'is_palindrome("Aba")', "output": "True"}],
            "acceptance_tests": []}  # fmt: skip
    replies = [json.dumps(spec)] if asked else []
    model = BaseScripted(*replies, 'abc") is False')
    bench.llm = LLMService(
        bench.settings, bench.db, providers={"base": model}, routes={"default": ["base"]}
    )
    monkeypatch.setattr(loop_module, "BASE_MODEL_SPEC", asked)
    loop = loop_module.Loop(bench, GenerateRequest(requirement=PALINDROME), "python",
                            loop_module.LAYOUTS["python"], 1, base=True)  # fmt: skip
    got = loop_module._base_spec(loop, PALINDROME, tests_given=False)
    assert got.function == "is_palindrome"  # the requirement's name wins
    tests, error = loop_module.make_tests(loop, got)
    assert error is None and tests is not None
    if asked:
        assert got.source == "model" and model.params[0].max_tokens == 400
        schema = model.params[0].json_schema
        assert schema["properties"]["examples"]["minItems"] == 2
        assert {**schema, "properties": SPEC_SCHEMA["properties"]} == SPEC_SCHEMA
        assert model.prompts[0].endswith(f"# Requirement: {PALINDROME}\n")
        assert 'assert is_palindrome("Aba") == True\n    assert is_palindrome("abc")' in tests
    else:
        assert got.source == "requirement" and len(model.prompts) == 1
        assert 'def test_is_palindrome():\n    assert is_palindrome("abc") is False' in tests
