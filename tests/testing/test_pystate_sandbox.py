"""Objects in states end to end: a small mapping class whose lines are reachable only
through the protocols it defines and through a change made to an object before it is
used (frozen, then written), generated from zero tests in the real sandbox; the kept
tests then pass under plain pytest outside DevLab."""

from __future__ import annotations

import pytest

from devlab.testing import ProjectFiles, generate_tests
from helpers import assert_kept_tests_pass_outside

pytestmark = [pytest.mark.sandbox, pytest.mark.slow]

REGISTRY = """
class Registry(dict):
    def __init__(self, *items):
        object.__setattr__(self, "_frozen", False)
        for item in items:
            if isinstance(item, dict):
                self.update(item)
            elif isinstance(item, tuple):
                self[item[0]] = item[1]
            else:
                for key, value in item:
                    self[key] = value

    def __setitem__(self, key, value):
        if object.__getattribute__(self, "_frozen") and key not in self:
            raise KeyError(key)
        super().__setitem__(key, value)

    def __or__(self, other):
        if not isinstance(other, dict):
            return NotImplemented
        return Registry(self, other)

    def __reversed__(self):
        return reversed(list(self))

    def freeze(self):
        object.__setattr__(self, "_frozen", True)
"""


def test_protocols_and_states_reach_what_single_calls_miss(lab_settings, tmp_path):
    pf = ProjectFiles("registry", None, None, {"registry.py": REGISTRY})
    settings = lab_settings.model_copy(update={"testing_mutant_keep": False})  # tested apart
    result = generate_tests(pf, settings, path="registry.py", search_seconds=60)
    code = result.test_code
    assert result.after.line_percent == 100 and result.after.branch_percent >= 90, code
    assert "obj.freeze()" in code and "pytest.raises(KeyError)" in code, code  # a state
    assert "list(reversed(Registry(" in code, code  # a protocol the class defines
    assert "[('a', 1), ('b', 2)]" in code, code  # items of none of the checked types
    assert_kept_tests_pass_outside(tmp_path / "fresh", {"registry.py": REGISTRY}, result)
