"""Correlated inputs for Python generation (no sandbox: fast): regex witnesses, the
module's regexes and type letters, format fields, calls whose text matches the regex an
object built, private helpers' lines, and the probe's untraced ``repr``."""

from __future__ import annotations

import re
import sys

from devlab.testing.probe import PROBE_HEADER, _assertion
from devlab.testing.pyinputs import format_calls, reach, regex_calls, text_calls
from devlab.testing.pyregex import format_fields, module_regexes, type_letters, witnesses
from devlab.testing.strategies import Call
from devlab.testing.targets import find_targets

TEMPLATE = """
import re

_FIELD = re.compile(r"{(\\w*)(?::(\\w))?}")
DATE = r"(\\d{4})-(\\d\\d)-(\\d\\d)(T\\d\\d:\\d\\d)?"
NOTE = "Pull apart the format of the fields given here"


class Template:
    def __init__(self, format):
        self.format = format
        self._regex = _FIELD.sub(self._field, format)

    def _field(self, m):
        if m.group(2) == "d":
            return r"(-?\\d+)"
        return r"(.+?)"

    def match(self, text, strict=True):
        return re.fullmatch(self._regex, text)


def match(format, text, strict=True):
    return Template(format).match(text)
"""


def test_witnesses_match_their_pattern_and_bad_patterns_give_none():
    date = r"(\d{4}-\d\d-\d\d)((\s+|T)\d{1,2}:\d\d)?(Z|[-+]\d\d:?\d\d)?"
    found = witnesses(date, limit=5)
    assert found and len(found) <= 5 and len(set(found)) == len(found)
    assert all(re.match(date, w) for w in found)
    assert "1111-11-11" in found  # the optional parts left out, digits 1: a valid date
    assert any("T" in w or " " in w for w in found)  # and taken
    back = witnesses(r"(?P<a>x+) (?P=a)")  # a back reference repeats its group's text
    assert back and all(re.fullmatch(r"(x+) \1", w) for w in back)
    assert witnesses("(unclosed") == [] and witnesses("") == []


def test_module_regexes_letters_and_format_fields():
    regexes = module_regexes(TEMPLATE)
    assert r"{(\w*)(?::(\w))?}" in regexes  # re.compile's argument
    assert r"(\d{4})-(\d\d)-(\d\d)(T\d\d:\d\d)?" in regexes  # a pattern-like constant
    assert not any("Pull apart" in r for r in regexes)  # prose is not a pattern
    letters = type_letters(TEMPLATE)
    assert letters == ["d"]
    fields = format_fields(letters)
    assert "'{:d}'" in fields and "'{}'" in fields and "'d'" in fields


def test_format_calls_try_every_field_in_the_format_place():
    targets = find_targets(TEMPLATE)
    calls = format_calls(targets, ["'{}'", "'{:d}'"], {})
    exprs = {c.expr for c in calls}
    assert {"Template('{}')", "Template('{:d}')", "match('{:d}', '')"} <= exprs
    assert not any(".match(" in e for e in exprs)  # methods take texts, not formats


def test_regex_calls_pair_a_format_with_a_text_its_object_matches():
    targets = find_targets(TEMPLATE)
    outcomes = {
        "Template('{:d}')": ("Template.__init__", {"kind": "object", "type": "Template",
                                                  "regexes": [r"(-?\d+)"]}),
        "Template(0)": ("Template.__init__", {"kind": "raised", "type": "TypeError"}),
    }  # fmt: skip
    exprs = [c.expr for c in regex_calls(targets, outcomes, seed=0)]
    assert "Template('{:d}').match('-1')" in exprs or "Template('{:d}').match('1')" in exprs
    assert any(e.startswith("match('{:d}', '") for e in exprs)  # the module function too
    assert any(e.endswith(", strict=False)") for e in exprs)  # a boolean option flipped
    for expr in exprs:
        text = re.search(r"'(-?\d+)'", expr)
        assert text and re.fullmatch(r"-?\d+", text.group(1))


def test_private_helpers_lines_count_for_their_public_callers():
    targets = {t.qualname: t for t in find_targets(TEMPLATE)}
    lines = reach(TEMPLATE, list(targets.values()))
    helper = TEMPLATE.splitlines().index("    def _field(self, m):") + 1
    assert helper in lines["Template.__init__"]
    assert helper not in lines["Template.match"]


def test_probe_repr_is_untraced_and_lazy_objects_are_iterated(tmp_path):
    names: dict = {}
    exec(compile(PROBE_HEADER, "probe_header", "exec"), names)
    names["_DIR"] = str(tmp_path)

    class Thing:
        def __init__(self):
            self.pattern_text = r"(\d+)-x"

        def __repr__(self):
            return "<Thing>"

    seen: list[str] = []

    def tracer(frame, event, arg):
        seen.append(frame.f_code.co_name)
        return None

    old = sys.gettrace()
    sys.settrace(tracer)
    try:
        names["_rec"]("k", Thing)
    finally:
        sys.settrace(old)
    assert "__init__" in seen and "__repr__" not in seen
    out = (tmp_path / "k.json").read_text()
    assert '"regexes": ["(\\\\d+)-x"]' in out
    lazy = {"kind": "object", "type": "list", "iter": True, "items": ["Thing"]}
    body = _assertion(Call("c1", "f", "f()", False), lazy)
    assert body == ("    assert [type(x).__name__ for x in f()] == ['Thing']\n", False)


def test_a_verbose_regex_keeps_its_flag_and_its_witnesses_match():
    source = (
        'import re\nDATE = re.compile(r"""\n  (?P<y>[0-9]{4}) - (?P<m>[0-9]{2})  # year, month\n'
        '""", re.VERBOSE | re.I)\n'
    )
    (pattern,) = module_regexes(source)
    assert pattern.startswith("(?ix)")
    found = witnesses(pattern, 4)
    assert "1111-11" in found and all(re.fullmatch(r"\d{4}-\d\d", w) for w in found)


def test_text_calls_put_every_witness_in_a_str_parameter():
    source = "def parse_date(datestring: str, strict=True):\n    return datestring\n"
    exprs = [c.expr for c in text_calls(find_targets(source), ["'1111-11-11'", "'11:11'"], {})]
    assert exprs == ["parse_date('1111-11-11')", "parse_date('11:11')"]
