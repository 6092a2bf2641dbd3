"""Every one-shot action with the scripted model: explain (code and symbol), find bugs,
suggest, refactor (a diff that applies), fix, translate, and unparsable replies."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from devlab.companion import (
    CodeInput,
    EmptyInput,
    ExplainRequest,
    FixRequest,
    RefactorRequest,
    SuggestRequest,
    TranslateRequest,
    UnparsableCode,
    apply_diff,
    explain,
    find_bugs,
    fix,
    get_conversation,
    refactor,
    suggest,
    translate,
)
from devlab.errors import NotFound

SLOW_SUM = """def total(items):
    result = 0
    for i in range(len(items)):
        result = result + items[i]
    return result
"""
SIMPLER = "def total(items):\n    return sum(items)\n"


def test_explain_code_sends_it_and_stores_the_exchange(bench, scripted):
    model = scripted("It adds up the items one by one.")
    answer = explain(bench, ExplainRequest(code=SLOW_SUM, language="python", question="speed"))
    assert "```python\ndef total(items):" in model.prompt() and "Focus on: speed" in model.prompt()
    assert answer.text == "It adds up the items one by one." and answer.action == "explain"
    stored = get_conversation(bench.db, answer.conversation_id)
    assert stored.kind == "explain"
    assert [m.role for m in stored.messages] == ["user", "assistant"]
    assert stored.messages[1].id == answer.message_id and stored.messages[1].model == "scripted-1"


def test_explain_a_symbol_reads_it_from_the_project_and_cites_it(shop, scripted):
    model = scripted("It takes ten percent off large orders.")
    answer = explain(shop, ExplainRequest(project="shop", symbol="apply_discount"))
    assert "round(amount * 0.9, 2)" in model.prompt()
    assert "shop/pricing.py:6-10 (apply_discount)" in model.prompt()
    [cite] = answer.citations
    assert (cite.path, cite.start_line, cite.end_line) == ("shop/pricing.py", 6, 10)
    assert cite.licence is None  # the project's own code


def test_explain_of_unknown_symbol_is_404_and_no_code_is_400(shop, scripted):
    scripted()
    with pytest.raises(NotFound):
        explain(shop, ExplainRequest(project="shop", symbol="no_such_function"))
    with pytest.raises(EmptyInput) as err:
        explain(shop, ExplainRequest(code="   "))
    assert err.value.status_code == 400


def test_find_bugs_numbers_the_lines_and_lists_each_bug(bench, scripted):
    model = scripted("- line 3: off by one -> use range(len(items))\n- line 4: shadowing")
    code = "def last(items):\n    i = 0\n    return items[len(items)]\n    x = 1\n"
    answer = find_bugs(bench, CodeInput(code=code, language="python"))
    assert "   3      return items[len(items)]" in model.prompt()
    assert answer.items == ["line 3: off by one -> use range(len(items))", "line 4: shadowing"]


def test_suggest_returns_items_of_the_requested_kind(bench, scripted):
    model = scripted("1. Use sum() instead of the loop\n2. Accept any iterable")
    answer = suggest(bench, SuggestRequest(code=SLOW_SUM, language="python", kind="optimisation"))
    assert "optimisation" in model.prompt()
    assert answer.items == ["Use sum() instead of the loop", "Accept any iterable"]


def _patch(tmp_path, name: str, original: str, diff: str) -> str:
    target = tmp_path / name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(original)
    done = subprocess.run(
        ["patch", "-p1", "--batch", "-d", str(tmp_path)], input=diff, text=True, capture_output=True
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return target.read_text()


def test_refactor_returns_a_unified_diff_that_applies_cleanly(bench, scripted, tmp_path):
    model = scripted(f"Here it is:\n```python\n{SIMPLER}```\nThe loop became sum().")
    answer = refactor(
        bench, RefactorRequest(code=SLOW_SUM, path="mathx.py", language="python", kind="simplify")
    )
    assert "simpler" in model.prompt()
    assert answer.code == SIMPLER and answer.explanation == "Here it is:\n\nThe loop became sum()."
    assert answer.diff.startswith("--- a/mathx.py\n+++ b/mathx.py\n@@")
    assert apply_diff(SLOW_SUM, answer.diff) == SIMPLER
    if shutil.which("patch"):
        assert _patch(tmp_path, "mathx.py", SLOW_SUM, answer.diff) == SIMPLER


def test_refactor_of_a_project_symbol_diffs_the_whole_file(shop, scripted, tmp_path):
    new_body = (
        "def apply_discount(amount):\n"
        '    """Take ten percent off orders above the threshold."""\n'
        "    return round(amount * 0.9, 2) if amount > DISCOUNT_THRESHOLD else amount\n"
    )
    scripted(f"```python\n{new_body}```")
    answer = refactor(
        shop, RefactorRequest(project="shop", symbol="apply_discount", kind="extract_method")
    )
    from helpers import SAMPLE

    original = SAMPLE["shop/pricing.py"]
    changed = apply_diff(original, answer.diff)
    assert new_body in changed and "def parse_price(text):" in changed
    assert answer.diff.startswith("--- a/shop/pricing.py")
    if shutil.which("patch"):
        assert _patch(tmp_path, "shop/pricing.py", original, answer.diff) == changed


def test_refactor_reply_without_parsable_code_is_422_and_still_stored(bench, scripted):
    scripted("I would rather not.")
    with pytest.raises(UnparsableCode) as err:
        refactor(bench, RefactorRequest(code=SLOW_SUM, language="python"))
    assert err.value.status_code == 422 and "python" in err.value.message
    stored = get_conversation(bench.db, err.value.detail["conversation_id"])
    assert stored.messages[-1].content == "I would rather not."
    assert stored.messages[-1].id == err.value.detail["message_id"]


def test_fix_patches_code_from_the_error(bench, scripted):
    broken = "def half(x):\n    return x / 0\n"
    model = scripted("```python\ndef half(x):\n    return x / 2\n```\nDivision by zero.")
    answer = fix(bench, FixRequest(code=broken, language="python", error="ZeroDivisionError"))
    assert "ZeroDivisionError" in model.prompt()
    assert answer.code == "def half(x):\n    return x / 2\n"
    assert "-    return x / 0\n+    return x / 2\n" in answer.diff
    assert apply_diff(broken, answer.diff) == answer.code


def test_fix_keeps_a_missing_final_newline_so_the_diff_applies(bench, scripted):
    broken = "x = 1 +"
    scripted("```python\nx = 1 + 1\n```")
    answer = fix(bench, FixRequest(code=broken, language="python", error="SyntaxError"))
    assert answer.code == "x = 1 + 1" and apply_diff(broken, answer.diff) == "x = 1 + 1"


def test_fix_needs_an_error_and_rejects_unparsable_code(bench, scripted):
    scripted("```python\ndef half(x:\n```")
    with pytest.raises(EmptyInput):
        fix(bench, FixRequest(code="x = 1\n", language="python", error=" "))
    with pytest.raises(UnparsableCode):
        fix(bench, FixRequest(code="x = 1\n", language="python", error="NameError"))


def test_translate_checks_the_target_language(bench, scripted):
    model = scripted(
        "```javascript\nfunction total(items) {\n  return items.reduce((a, b) => a + b, 0);\n}\n```"
    )
    answer = translate(bench, TranslateRequest(code=SIMPLER, language="py", target_language="js"))
    assert "Translate this python code to javascript." in model.prompt()
    assert answer.language == "javascript" and answer.code.startswith("function total")
    assert answer.diff == ""
