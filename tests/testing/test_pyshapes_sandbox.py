"""The shaped inputs, docstring receivers, correlated format/text pairs and coverage-guided
rounds end to end: a small module whose lines are reachable only through them, generated
from zero tests in the real sandbox; the kept tests then pass under plain pytest outside
DevLab."""

from __future__ import annotations

import re

import pytest

from devlab.testing import ProjectFiles, generate_tests
from helpers import assert_kept_tests_pass_outside

pytestmark = [pytest.mark.sandbox, pytest.mark.slow]

SHAPES = '''"""Small tools.

>>> Version.parse('1.2.3-rc.1')
Version(1, 2, 3, 'rc.1')
"""
import re


def interleave(seqs):
    """Items of each sequence in turn."""
    iters = [iter(s) for s in seqs]
    out = []
    while iters:
        for it in list(iters):
            try:
                out.append(next(it))
            except StopIteration:
                iters.remove(it)
    return out


def fold(binop, seq):
    result = None
    for item in seq:
        result = item if result is None else binop(result, item)
    return result


def describe(args):
    if args.verbose:
        return "verbose " + args.name
    return args.name


class Version:
    def __init__(self, major, minor=0, patch=0, pre=None):
        self.parts = (major, minor, patch)
        self.pre = pre

    def __repr__(self):
        return f"Version({self.parts[0]}, {self.parts[1]}, {self.parts[2]}, {self.pre!r})"

    def __eq__(self, other):
        return (self.parts, self.pre) == (other.parts, other.pre)

    @classmethod
    def parse(cls, text):
        core, _, pre = text.partition("-")
        return cls(*[int(p) for p in core.split(".")], pre=pre or None)

    def final(self):
        return Version(*self.parts)

    def is_final(self):
        if self.pre is None:
            return True
        return False


_FIELD = re.compile(r"{(\\w*)(?::(\\w))?}")


class Template:
    def __init__(self, format):
        self.format = format
        self._regex = _FIELD.sub(self._field, format)

    def _field(self, m):
        if m.group(2) == "d":
            return r"(?P<number>-?\\d+)"
        return r"(.+?)"

    def match(self, text):
        m = re.fullmatch(self._regex, text)
        if m is None:
            return None
        if "number" in m.groupdict():
            return int(m.group("number"))
        return m.groups()


def match(format, text):
    return Template(format).match(text)
'''


def test_shaped_calls_and_sequences_reach_what_plain_values_miss(lab_settings, tmp_path):
    pf = ProjectFiles("shapes", None, None, {"shapes.py": SHAPES})
    settings = lab_settings.model_copy(update={"testing_mutant_keep": False})  # tested apart
    result = generate_tests(pf, settings, path="shapes.py", search_seconds=60)
    code = result.test_code
    assert result.after.line_percent >= 90 and result.after.branch_percent >= 90, code
    assert "interleave([[" in code or "interleave([(" in code, code  # iterable of iterables
    assert "fold((lambda a, b" in code or "fold(max" in code, code  # a two-argument callable
    assert "describe(SimpleNamespace(" in code, code  # an attribute bag for describe(args)
    assert "Version.parse(" in code, code  # the docstring's own construction
    # a format and a text that agree: the text written from the regex Template built
    pair = r"(Template\('[^']*\{\w*:d\}[^']*'\)\.match\(|match\('[^']*\{\w*:d\}[^']*', )'\S*\d"
    assert re.search(pair, code), code
    assert " at 0x" not in code
    assert_kept_tests_pass_outside(tmp_path / "fresh", {"shapes.py": SHAPES}, result)
