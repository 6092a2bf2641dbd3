"""Property-based testing of a whole spec against a running service (schemathesis).

For every operation schemathesis generates requests from the spec (hypothesis,
derandomized, so a run repeats); each response is checked for server errors,
status-code conformance and response-schema conformance. A failing case is shrunk
by hypothesis to a minimal one and reported with its curl command. The target
passes ``livetest.check_target`` once (all requests go to that base URL, redirects
are not followed) and a ``Budget`` bounds requests, rate and time. Every request
connects to the address the check resolved (``livetest.pin``; the ``Host`` header and,
for https, the TLS server name and certificate check keep the original host), so the
name is never resolved again (no DNS rebinding); environment proxies are not used.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from devlab.apibuilder.livetest import AllowList, Budget, BudgetExhausted, check_target, pin
from devlab.apibuilder.models import ApiModel
from devlab.apibuilder.openapi import to_openapi
from devlab.progress import ProgressFn
from devlab.progress import report as report_progress


class PropertyFailure(BaseModel):
    operation: str
    check: str
    message: str
    curl: str


class PropertyReport(BaseModel):
    base_url: str
    operations: int
    tested: int
    requests: int
    passed: int
    failures: list[PropertyFailure] = Field(default_factory=list)
    skipped: list[str] = Field(default_factory=list)
    budget_exhausted: bool = False


def _checks() -> list[Any]:
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import (
        response_schema_conformance,
        status_code_conformance,
    )

    return [not_a_server_error, status_code_conformance, response_schema_conformance]


class _Target:
    """Where the requests go: the pinned address, with the original Host and TLS name."""

    def __init__(self, base_url: str, address: str) -> None:
        import requests
        from requests.adapters import HTTPAdapter

        self.base_url = base_url
        self.url, self.host, server_name = pin(base_url, address)
        self.session = requests.Session()
        self.session.trust_env = False

        class PinnedTLS(HTTPAdapter):
            def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
                kwargs["server_hostname"] = server_name
                kwargs["assert_hostname"] = server_name
                super().init_poolmanager(*args, **kwargs)

        self.session.mount("https://", PinnedTLS())

    def call(self, case: Any) -> Any:
        return case.call(
            base_url=self.url,
            session=self.session,
            headers={"Host": self.host},
            allow_redirects=False,
            timeout=10,
        )


def _run_operation(
    op: Any, target: _Target, budget: Budget, examples: int
) -> PropertyFailure | None:
    from hypothesis import HealthCheck, Phase, given, settings

    failing: dict[str, Any] = {}

    @given(case=op.as_strategy())
    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
        phases=[Phase.generate, Phase.shrink],
        report_multiple_bugs=False,
    )
    def check(case: Any) -> None:
        budget.take()
        response = target.call(case)
        try:
            case.validate_response(response, checks=_checks())
        except BaseException as exc:  # a FailureGroup is a BaseExceptionGroup
            failing["case"], failing["exc"] = case, exc
            raise

    try:
        check()
    except (BudgetExhausted, KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:
        case, error = failing.get("case"), failing.get("exc", exc)
        curl = case.as_curl_command(base_url=target.base_url) if case is not None else ""
        if isinstance(error, BudgetExhausted):
            raise error from None
        parts = getattr(error, "exceptions", None) or [error]
        name = ", ".join(type(e).__name__ for e in parts)
        text = str(error).strip() or "; ".join(str(e).strip() for e in parts)
        return PropertyFailure(
            operation=f"{op.method.upper()} {op.path}",
            check=name,
            message=text[:1500],
            curl=curl,
        )
    return None


def test_spec(
    model: ApiModel,
    base_url: str,
    *,
    allow: AllowList,
    examples: int = 10,
    budget: Budget | None = None,
    progress: ProgressFn | None = None,
) -> PropertyReport:
    """Property-test every operation of ``model`` against ``base_url``; ``progress``
    hears of each operation as it finishes (stage ``operations``)."""
    import schemathesis
    from schemathesis.core.result import Err

    target = _Target(base_url, check_target(base_url, allow))
    budget = budget or Budget()
    schema = schemathesis.openapi.from_dict(to_openapi(model))
    report = PropertyReport(
        base_url=base_url, operations=len(model.operations), tested=0, requests=0, passed=0
    )
    total = len(model.operations)
    report_progress(progress, "operations", 0, total, base_url)
    try:
        for done, result in enumerate(schema.get_all_operations(), start=1):
            if isinstance(result, Err):
                report.skipped.append(str(result.err())[:200])
                continue
            op = result.ok()
            try:
                failure = _run_operation(op, target, budget, examples)
            except BudgetExhausted:
                report.budget_exhausted = True
                break
            report.tested += 1
            if failure is None:
                report.passed += 1
            else:
                report.failures.append(failure)
            message = f"{op.method.upper()} {op.path}: {'FAIL' if failure else 'ok'}"
            report_progress(progress, "operations", min(done, total), total, message)
    finally:
        target.session.close()
    report.requests = budget.used
    return report


test_spec.__test__ = False  # type: ignore[attr-defined]  # not a pytest test

__all__ = ["PropertyFailure", "PropertyReport", "test_spec"]
