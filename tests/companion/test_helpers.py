"""The companion's small helpers: templates, code extraction, diffs, context fitting."""

from __future__ import annotations

import random
import shutil
import subprocess
from pathlib import Path

import pytest

from devlab.companion.change import parse_changes, runner_arguments
from devlab.companion.context import ContextItem, fit_context
from devlab.companion.diffs import DiffDoesNotApply, apply_diff, checked_diff, unified_diff
from devlab.companion.errors import UnparsableCode
from devlab.companion.generate import parse_spec
from devlab.companion.prompting import extract_code, prose, render_prompt, template_version
from devlab.errors import InvalidInput

PROMPTS = Path(__file__).parents[2] / "src/devlab/companion/prompts"


def test_every_template_has_a_version_header_and_both_blocks():
    names = sorted(p.stem for p in PROMPTS.glob("*.jinja"))
    assert {"chat", "explain", "bugs", "refactor", "fix", "translate", "suggest"} <= set(names)
    for name in names:
        assert (PROMPTS / f"{name}.jinja").read_text().startswith("{# version: ")
        assert template_version(name) == (2 if name in ("spec", "tests") else 1)


def test_render_prompt_gives_system_and_user_messages_with_fenced_code():
    prompt = render_prompt("fix", language="python", code="x = (", error="SyntaxError: '('")
    system, user = prompt.messages
    assert system.role == "system" and "```python" in system.content
    assert user.role == "user" and "```python\nx = (\n```" in user.content
    assert "SyntaxError" in user.content and prompt.version == "fix@1"


def test_extract_code_prefers_the_block_in_the_language():
    reply = "Try:\n```text\nnot code\n```\n```python\ndef f():\n    return 1\n```\nDone."
    assert extract_code(reply, "python") == "def f():\n    return 1\n"
    assert prose(reply).startswith("Try:") and "def f" not in prose(reply)


def test_extract_code_takes_an_unclosed_fence_and_bare_code():
    assert extract_code("```python\nx = 1\ny = 2", "python") == "x = 1\ny = 2\n"
    assert extract_code("import os\nprint(os.sep)", "python").startswith("import os")


@pytest.mark.parametrize(
    "reply",
    ["Sorry, I cannot help with that.", "hello", "```python\ndef broken(:\n```", ""],
)
def test_extract_code_refuses_replies_without_parsable_code(reply):
    with pytest.raises(UnparsableCode) as err:
        extract_code(reply, "python")
    assert err.value.status_code == 422


def test_extract_code_checks_other_languages_with_tree_sitter():
    assert "function" in extract_code("```js\nfunction f() { return 1 }\n```", "javascript")
    with pytest.raises(UnparsableCode):
        extract_code("```js\nfunction f( { return 1 \n```", "javascript")


@pytest.mark.parametrize(
    ("original", "new"),
    [
        ("a\nb\nc\n", "a\nB\nc\n"),
        ("a\nb\nc", "a\nb\nc\n"),  # the original has no final newline
        ("a\nb\nc\n", "a\nb\nc"),  # the new code has none
        ("", "x = 1\n"),
        ("x = 1\n", ""),
        ("".join(f"line {i}\n" for i in range(40)), "".join(f"line {i}\n" for i in range(1, 45))),
    ],
)
def test_diff_round_trips_with_our_apply_and_with_patch(original, new, tmp_path):
    diff = checked_diff(original, new, "m.py")
    assert apply_diff(original, diff) == new
    if shutil.which("patch") and original:
        target = tmp_path / "m.py"
        target.write_text(original)
        done = subprocess.run(
            ["patch", "-p1", "--batch", "--silent", "-d", str(tmp_path)],
            input=diff,
            text=True,
            capture_output=True,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        assert target.read_text() == new


def test_diff_round_trips_on_random_edits():
    rng = random.Random(7)
    for _ in range(200):
        original = [f"l{rng.randrange(6)}\n" for _ in range(rng.randrange(0, 25))]
        new = list(original)
        for _ in range(rng.randrange(1, 5)):
            op = rng.randrange(3)
            at = rng.randrange(len(new) + 1)
            if op == 0:
                new.insert(at, f"n{rng.randrange(9)}\n")
            elif new and at < len(new):
                if op == 1:
                    del new[at]
                else:
                    new[at] = f"c{rng.randrange(9)}\n"
        before, after = "".join(original), "".join(new)
        assert apply_diff(before, unified_diff(before, after)) == after


def test_apply_diff_refuses_a_diff_for_other_text():
    diff = unified_diff("a\nb\n", "a\nc\n")
    with pytest.raises(DiffDoesNotApply):
        apply_diff("x\ny\n", diff)


def _item(kind: str, id_: str, words: int) -> ContextItem:
    return ContextItem(kind, id_, "\n".join(f"word{i}" for i in range(words)))


def test_fit_context_keeps_the_most_important_items_and_cuts_the_cuttable():
    items = [
        _item("repomap", "repomap:1", 400),
        _item("history", "message:1", 50),
        _item("chunk", "chunk:1", 50),
        _item("selection", "selection", 20),
        _item("chunk", "chunk:2", 500),
    ]
    count = lambda text: len(text.split())  # noqa: E731 - one token per word
    kept = fit_context(items, 200, count)
    ids = [i.id for i in kept]
    # original order kept; the big chunk did not fit; the repo map was cut to what is left
    assert ids == ["repomap:1", "message:1", "chunk:1", "selection"]
    cut = kept[0]
    assert cut.data.get("cut") and cut.text.endswith("(cut to fit)")
    assert sum(count(i.text) for i in kept) <= 200


def test_spec_from_json_and_fallback_when_not_json():
    spec = parse_spec(
        'Here: {"summary": "add", "function": "add", "inputs": ["a", "b"], '
        '"examples": [{"input": "1, 2", "output": "3"}, "x"]}',
        "req",
    )
    assert spec.source == "model" and spec.function == "add" and spec.inputs == ["a", "b"]
    assert spec.examples[1] == {"example": "x"}
    fallback = parse_spec("I think you should write a function.", "add two numbers")
    assert fallback.source == "fallback" and fallback.summary == "add two numbers"


def test_spec_placeholders_copied_from_the_prompt_are_dropped():
    requirement = "Write a Python function is_palindrome(s) that ignores case."
    copied = parse_spec(
        '{"summary": "...", "function": "name_of_main_function", "inputs": ["..."]}',
        requirement,
    )
    assert copied.function == "is_palindrome" and copied.inputs == []
    assert copied.summary == requirement
    assert parse_spec("no JSON here", requirement).function == "is_palindrome"
    assert parse_spec('{"function": "check"}', requirement).function == "check"


def test_parse_changes_reads_file_blocks_and_rejects_bad_ones():
    ok, error = parse_changes("FILE: calc/ops.py\n```python\nx = 1\n```\n")
    assert error is None and ok == {"calc/ops.py": "x = 1\n"}
    for reply in (
        "no files here",
        "FILE: ../etc/passwd\n```\nx\n```",
        "FILE: a.py\n```python\ndef (:\n```",
    ):
        changes, error = parse_changes(reply)
        assert changes == {} and error


def test_test_command_gives_runner_arguments_and_refuses_shell():
    assert runner_arguments("python -m pytest tests -k add", "python") == ["tests", "-k", "add"]
    assert runner_arguments("tests/test_ops.py", "python") == ["tests/test_ops.py"]
    with pytest.raises(InvalidInput):
        runner_arguments("pytest; rm -rf /", "python")


def test_the_spec_schema_asks_for_every_field_of_a_spec_and_parses_back():
    import json

    from devlab.companion.generate import parse_spec
    from devlab.companion.models import SPEC_SCHEMA, Spec

    assert set(SPEC_SCHEMA["properties"]) == set(Spec.model_fields) - {"source"}
    assert set(SPEC_SCHEMA["required"]) == set(SPEC_SCHEMA["properties"])
    reply = {"summary": "", "function": "add", "inputs": ["a: int"], "outputs": [],
             "constraints": [], "examples": [{"input": "add(1, 2)", "output": "3"}],
             "acceptance_tests": ["add(1, 2) == 3"]}  # fmt: skip
    spec = parse_spec(json.dumps(reply), "Write add(a, b)")
    assert spec.source == "model" and spec.summary == "Write add(a, b)"  # empty -> requirement
    assert spec.examples == [{"input": "add(1, 2)", "output": "3"}]
