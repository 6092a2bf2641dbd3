"""Errors of the Testing & QA Lab (each maps to one HTTP status and CLI exit code)::

InvalidInput (422)
+-- UnsupportedFramework (400)   a framework the lab cannot generate or run
+-- ScenarioInvalid (422)        a chaos scenario that does not validate
+-- NothingToTest (422)          no Python source in the project / path / symbol
"""

from __future__ import annotations

from devlab.errors import InvalidInput

__all__ = ["NothingToTest", "ScenarioInvalid", "UnsupportedFramework"]


class UnsupportedFramework(InvalidInput):
    status_code = 400


class ScenarioInvalid(InvalidInput):
    status_code = 422


class NothingToTest(InvalidInput):
    status_code = 422
