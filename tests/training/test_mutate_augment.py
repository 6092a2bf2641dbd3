"""Mutation operators, sandbox validation of bug-fix pairs, and scope-aware renaming."""

from __future__ import annotations

import random

import pytest

from devlab.codebase.grammars import get_parser
from devlab.config import load_settings
from devlab.sandbox import SandboxRequest, run_code
from devlab.training.datasets.augment import normalise_whitespace, rename_edits, strip_comments
from devlab.training.datasets.models import OPERATORS
from devlab.training.datasets.mutate import mutate_unit
from devlab.training.datasets.pairs import apply_validation
from devlab.training.datasets.units import FileTask, SymbolInfo, parse_units
from devlab.training.datasets.validate import ValidationJob, run_validations

PY = '''def settle(balance, payment, fee):
    """Pay off a balance; every operator has a site here."""
    if balance > 0 and payment >= fee:
        remaining = balance - payment + fee * 2
    else:
        remaining = balance
    items = [remaining, fee]
    limit = max(items[1], 0)
    flag = True
    note = "settled"
    return remaining if remaining != limit else min(remaining, payment), flag, note
'''

JS = """function settle(balance, payment, fee) {
  if (balance > 0 && payment >= fee) {
    return balance - payment + fee * 2;
  }
  const items = [balance, fee];
  return Math.max(items[1], 0) === balance ? "done" : true;
}
"""


def _units(text: str, language: str, name: str = "settle", end: int | None = None):
    end = end or text.count("\n")
    sym = SymbolInfo(name, name, "function", f"def {name}", "", 1, end, None)
    task = FileTask("p", 1, None, f"x.{language[:2]}", language, text, "MIT", "x", False, (sym,))
    pu = parse_units(task, 1, 500)
    assert pu.units, "the unit was not found"
    return pu, pu.units[0]


def _parses(text: bytes, language: str) -> bool:
    return not get_parser(language).parse(text).root_node.has_error


@pytest.mark.parametrize("operator", OPERATORS)
def test_every_operator_makes_a_parseable_python_mutant(operator):
    pu, unit = _units(PY, "python")
    mutants = mutate_unit(pu, unit, [operator], 1, random.Random(1))
    assert len(mutants) == 1, operator
    mutant = mutants[0]
    assert mutant.operator == operator and mutant.text != unit.view.text
    assert _parses(mutant.text, "python")
    assert 3 <= mutant.line <= 11


@pytest.mark.parametrize(
    "operator",
    [
        "operator-swap",
        "comparison-flip",
        "off-by-one",
        "wrong-variable",
        "negated-condition",
        "removed-condition",
        "swapped-arguments",
        "wrong-literal",
    ],
)
def test_operators_work_on_javascript_too(operator):
    pu, unit = _units(JS, "javascript")
    mutants = mutate_unit(pu, unit, [operator], 1, random.Random(3))
    assert mutants and _parses(mutants[0].text, "javascript")


def test_a_mutant_that_does_not_parse_is_dropped(monkeypatch):
    from devlab.training.datasets import mutate

    pu, unit = _units(PY, "python")
    broken = {"operator-swap": lambda *_: [(unit.start + 20, unit.start + 21, b"(((")]}
    monkeypatch.setattr(mutate, "OPERATOR_FUNCTIONS", broken)
    assert mutate_unit(pu, unit, ["operator-swap"], 1, random.Random(0)) == []


@pytest.mark.sandbox
@pytest.mark.slow
def test_sandbox_validates_a_killing_mutant_and_not_a_surviving_one(tmp_path):
    settings = load_settings(home=tmp_path / "home")
    original = "def add(a, b):\n    return a + b\n"
    files = {
        "calc.py": original,
        "tests/test_calc.py": (
            "from calc import add\n\n\ndef test_add():\n    assert add(2, 3) == 5\n"
        ),
    }
    killing = {"id": "m1", "kind": "bug-fix", "validated": None, "validation": None}
    surviving = {"id": "m2", "kind": "bug-fix", "validated": None, "validation": None}
    job = ValidationJob(
        "add",
        files,
        [
            ("original", {"calc.py": original}),  # first: the reference
            ("m1", {"calc.py": original.replace("+", "-")}),
            ("m2", {"calc.py": "def add(a, b):\n    return b + a\n"}),
        ],
        ["tests/test_calc.py::test_add"],
    )
    results = run_validations([job], settings, timeout=10)
    assert results[0].outcomes == {"m1": "failed", "m2": "passed", "original": "passed"}
    tally = apply_validation(results, {"add": [killing, surviving]}, "bug-fix")
    broken = ValidationJob(
        "add",
        files,
        [
            ("original", {"calc.py": "def add(a, b):\n    return 0\n"}),
            ("m1", {"calc.py": original}),
        ],
        ["tests/test_calc.py::test_add"],
    )
    gated = run_validations([broken], settings, timeout=10)[0].outcomes
    assert gated == {"original": "failed", "m1": "not-run"}  # a failing reference stops it
    assert killing["validated"] is True and surviving["validated"] is False
    assert tally == {"validated": 1, "mutant survives": 1}


RENAME = '''COUNTER = 0


def tally(words, limit):
    """Count words up to a limit, with helpers in nested scopes."""
    global COUNTER
    seen = {}
    total = 0
    for word in words:
        key = word.lower()
        seen[key] = seen.get(key, 0) + 1
        total += 1
        if total >= limit:
            break

    def top(n):
        ranked = sorted(seen.items(), key=lambda item: (-item[1], item[0]))
        return [pair[0] for pair in ranked[:n]]

    COUNTER += total
    squares = [x * x for x in range(3)]
    return dict(top=top(2), total=total, keys=sorted(seen), squares=squares)
'''


def test_rename_is_consistent_and_scope_aware():
    pu, unit = _units(RENAME, "python", "tally", RENAME.count("\n"))
    pu.units = [u for u in pu.units if u.symbol.name == "tally"]
    edits = rename_edits(pu, unit, random.Random(5))
    assert edits is not None
    view = unit.view.edited(edits, "rename")
    renamed = view.text.decode()
    assert _parses(view.text, "python")
    assert "def tally(" in renamed and "COUNTER" in renamed  # globals stay
    assert "seen" not in renamed and "total" not in renamed.replace("total=", "")
    assert "top=" in renamed and "total=" in renamed and "key=lambda" in renamed  # keywords stay
    assert ".items()" in renamed and ".lower()" in renamed and ".get(" in renamed  # attributes
    assert "x * x for x in" in renamed  # a comprehension's own variable is not the function's
    assert view.transforms == ("rename",)


@pytest.mark.sandbox
def test_renamed_code_behaves_the_same_in_the_sandbox(tmp_path):
    pu, unit = _units(RENAME, "python", "tally", RENAME.count("\n"))
    renamed = unit.view.edited(rename_edits(pu, unit, random.Random(5)), "rename").text.decode()
    call = "print(tally(['a', 'B', 'b', 'c', 'a', 'b'], 5), COUNTER)\n"
    settings = load_settings(home=tmp_path / "home")
    outputs = []
    for code in (RENAME, renamed):
        program = "COUNTER = 0\n" + code.replace("COUNTER = 0\n", "") + "\n" + call
        result = run_code(SandboxRequest(language="python", code=program), settings)
        assert result.status == "ok", result.stderr
        outputs.append(result.stdout)
    assert outputs[0] == outputs[1] and "'total': 5" in outputs[0]


def test_javascript_rename_and_formatting_variants():
    code = (
        "function area(width, height) {\n"
        "  // the area\n"
        "  const scale = 2;\n"
        "  return { width, size: width * height * scale };\n"
        "}\n"
    )
    pu, unit = _units(code, "javascript", "area")
    renamed = unit.view.edited(rename_edits(pu, unit, random.Random(1)), "rename").text.decode()
    assert "height" not in renamed and "scale" not in renamed
    assert "{ width," in renamed  # shorthand property: the name is kept
    assert _parses(renamed.encode(), "javascript")
    stripped = unit.view.edited(strip_comments(pu, unit), "strip-comments").text.decode()
    assert "//" not in stripped and "const scale = 2;" in stripped
    formatted = unit.view.edited(normalise_whitespace(pu, unit), "format").text.decode()
    assert "\n    const scale = 2;" in formatted and _parses(formatted.encode(), "javascript")


@pytest.mark.sandbox
@pytest.mark.slow
def test_a_variant_gets_the_references_time_twice_over_before_it_times_out(tmp_path):
    # timeout 6 s; the reference takes 0.5 s plus pytest's own start (o, seconds on a busy
    # machine), so a variant gets 6 + 2 x (0.5 + o): one taking 6.5 + o passes (it timed
    # out at the bare 6 s before the limit followed the reference)
    settings = load_settings(home=tmp_path / "home")
    test = "from slow import work\n\n\ndef test_work():\n    assert work() == 1\n"
    body = "import time\n\n\ndef work():\n    time.sleep({})\n    return 1\n"
    job = ValidationJob(
        "work",
        {"slow.py": body.format(0.5), "tests/test_slow.py": test},
        [("original", {"slow.py": body.format(0.5)}), ("slower", {"slow.py": body.format(6.5)})],
        ["tests/test_slow.py::test_work"],
    )
    outcomes = run_validations([job], settings, timeout=6)[0].outcomes
    assert outcomes == {"original": "passed", "slower": "passed"}
