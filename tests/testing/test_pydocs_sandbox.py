"""Inputs in the module's own language end to end: a parser of a small record language
whose every line is behind a check that random strings fail; its docstring shows one
valid record (a field without a value in it). The documented call, a rewrite of it (the
rejected branch) and the call with its option set reach every line and branch. Generated
from zero tests in the real sandbox; the kept tests then pass under plain pytest outside
DevLab."""

from __future__ import annotations

import pytest

from devlab.testing import ProjectFiles, generate_tests
from helpers import assert_kept_tests_pass_outside

pytestmark = [pytest.mark.sandbox, pytest.mark.slow]

RECORDS = '''"""Records in a tiny language.

Example::

    rec = read("<name=ada;age=36;x>")
"""


def read(text, strict=False):
    if text[:1] != "<" or text[-1:] != ">":
        raise ValueError("not a record")
    out = {}
    for field in text[1:-1].split(";"):
        if "=" not in field:
            if strict:
                raise ValueError(field)
            continue
        key, value = field.split("=", 1)
        out[key] = int(value) if value.isdigit() else value
    return out
'''


def test_documented_record_and_its_rewrites_reach_every_branch(lab_settings, tmp_path):
    pf = ProjectFiles("records", None, None, {"records.py": RECORDS})
    settings = lab_settings.model_copy(update={"testing_mutant_keep": False})  # tested apart
    result = generate_tests(pf, settings, path="records.py", search_seconds=60)
    code = result.test_code
    assert result.after.line_percent == 100 and result.after.branch_percent == 100, code
    assert "read('<name=ada;age=36;x>')" in code, code  # the documented input, as written
    assert "strict=True" in code, code  # the option set on a valid input
    assert_kept_tests_pass_outside(tmp_path / "fresh", {"records.py": RECORDS}, result)
