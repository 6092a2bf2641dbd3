"""Chaos engineering (issue 15): real Flask and FastAPI services (Debian's packages, as
the sandbox's Python sees them) run in the real sandbox under injected faults; verdicts,
percentiles, first failures and resilience findings in the insights feed."""

from __future__ import annotations

import json

import httpx
import pytest
from typer.testing import CliRunner

from devlab.cli import app
from devlab.config import Settings
from devlab.errors import InvalidInput
from devlab.insights.feed import list_insights
from devlab.testing import ChaosRequest, find_app, list_scenarios, load_scenario, run_chaos
from devlab.testing.chaos import ready_scenario
from devlab.testing.chaos_models import Probe
from devlab.testing.project import load_files
from devlab.workbench import Workbench
from helpers import assert_error_shape, serve_in_thread, wait_job
from lab_projects import ingest

runner = CliRunner()

SHOP = {
    "shop/__init__.py": "",
    "shop/app.py": '''"""A small shop service: orders in SQLite, prices from another service."""
import sqlite3
from datetime import datetime

import requests
from flask import Flask, jsonify

app = Flask(__name__)


def fetch_prices():
    return requests.get("http://prices.internal/api/prices").json()


def count_orders():
    conn = sqlite3.connect(":memory:")
    conn.execute("create table orders(id integer)")
    return conn.execute("select count(*) from orders").fetchone()[0]


class Ledger:
    def balance(self):
        return 42


@app.route("/")
def index():
    return "shop"


@app.route("/orders")
def orders():
    return jsonify(count=count_orders(), balance=Ledger().balance())


@app.route("/prices")
def prices():
    return jsonify(fetch_prices())


@app.route("/safe-prices")
def safe_prices():
    try:
        return jsonify(requests.get("http://prices.internal/api/prices", timeout=0.5).json())
    except requests.RequestException:
        return jsonify(error="prices are unavailable"), 503


@app.route("/hour")
def hour():
    return jsonify(hour=datetime.now().hour)


READY = []


def init_db():
    READY.append(app.name)  # inside the app's context: current_app works here


@app.route("/ready/<int:n>")
def ready(n):
    return ("ready", 200) if READY else ("not initialised", 500)
''',
}

ASGI = {
    "api/__init__.py": "",
    "api/main.py": """from fastapi import FastAPI

from api.store import load_items

app = FastAPI()


@app.get("/items")
async def items():
    return {"items": await load_items()}
""",
    "api/store.py": """async def load_items():
    return [1, 2, 3]
""",
}


def test_ready_scenarios_validate_and_bad_ones_name_the_field() -> None:
    names = {s.name for s in list_scenarios()}
    assert {"outbound-http-down", "database-down", "disk-full", "clock-skew"} <= names
    with pytest.raises(InvalidInput, match=r"method.0.type") as caught:
        load_scenario("title: x\nmethod:\n  - type: meteor\n")
    assert caught.value.status_code == 422
    with pytest.raises(InvalidInput, match="needs 'target'"):
        load_scenario('{"title": "x", "method": [{"type": "exception"}]}')
    with pytest.raises(InvalidInput, match=r"steady_state\.requestz"):
        load_scenario("title: x\nsteady_state: {requestz: 3}\nmethod: [{type: disk_full}]\n")
    with pytest.raises(InvalidInput, match=r"target\.setup"):
        load_scenario("title: x\ntarget: {setup: ['rm -rf /']}\nmethod: [{type: disk_full}]\n")
    with pytest.raises(InvalidInput, match="not valid YAML"):
        load_scenario("title: [unclosed\n")
    with pytest.raises(InvalidInput, match="over 64 KB"):
        load_scenario("title: x\n" + "#" * 70_000)
    with pytest.raises(ValueError, match="either 'scenario'"):
        ChaosRequest(project="p")


def test_the_app_is_found_in_the_project_text(lab_bench: Workbench, tmp_path) -> None:
    ingest(lab_bench, tmp_path, "shop", SHOP)
    assert find_app(load_files(lab_bench.db, "shop")) == "shop.app:app"
    factory = {"svc/__init__.py": "", "svc/web.py": "def create_app(config=None):\n    pass\n"}
    ingest(lab_bench, tmp_path, "svc", factory)
    assert find_app(load_files(lab_bench.db, "svc")) == "svc.web:create_app()"


@pytest.mark.sandbox
@pytest.mark.slow
def test_faults_break_what_is_unhandled_and_findings_reach_the_feed(
    lab_bench: Workbench, tmp_path
) -> None:
    ingest(lab_bench, tmp_path, "shop", SHOP)
    db, settings = lab_bench.db, lab_bench.settings
    report = run_chaos(db, settings, ChaosRequest(project="shop", scenario="outbound-http-down"))
    result = report.results[0]
    assert result.app == "shop.app:app"
    assert set(result.probes) == {"/", "/orders", "/prices", "/safe-prices", "/hour"}
    assert result.phases["before"].held and result.phases["after"].held
    during = result.phases["during"]
    assert not during.held and during.statuses.get("500") and during.statuses.get("503")
    assert result.verdict == "degraded"
    first = result.failures[0]
    assert first.probe == "GET /prices" and "ConnectionError" in first.error
    assert (first.path, first.line) == ("shop/app.py", 12)  # the unguarded call
    [finding] = result.findings
    assert finding.rule_id == "DL-CHAOS-UNHANDLED" and finding.category == "resilience"
    feed = list_insights(db, "shop", type="resilience")
    assert [i.rule_id for i in feed.items] == ["DL-CHAOS-UNHANDLED"]
    assert feed.items[0].path == "shop/app.py"

    # a function fault: an exception in a method reached through the route table
    custom = load_scenario(
        "title: Ledger down\n"
        "steady_state: {probes: [{path: /orders}], requests: 4}\n"
        "method:\n  - {type: exception, target: shop.app.Ledger.balance, "
        "exception: ConnectionResetError}\n"
    )
    report = run_chaos(db, settings, ChaosRequest(project="shop", definition=custom))
    result = report.results[0]
    assert result.verdict == "degraded" and result.fault_hits == {
        "exception:shop.app.Ledger.balance": 4
    }
    assert result.failures[0].error.startswith("ConnectionResetError")
    # the first scenario's finding stays open: another scenario does not fix it
    assert len(list_insights(db, "shop", type="resilience").items) == 2

    # slow outbound calls: waits for the dependency, flagged as no timeout
    slow = load_scenario(
        "title: Slow prices\n"
        "steady_state: {probes: [{path: /prices, max_latency_ms: 800}], requests: 3}\n"
        "method:\n  - {type: http_latency, latency_ms: 1000}\n"
    )
    result = run_chaos(db, settings, ChaosRequest(project="shop", definition=slow)).results[0]
    assert result.phases["during"].p95_ms >= 1000 > result.phases["before"].p95_ms
    assert "DL-CHAOS-NO-TIMEOUT" in {f.rule_id for f in result.findings}

    # a service that needs a set-up step does not hold before it: inconclusive, no finding
    needs = ready_scenario("disk-full")
    needs.steady_state.probes = [Probe(path="/ready/1")]
    result = run_chaos(db, settings, ChaosRequest(project="shop", definition=needs)).results[0]
    assert result.verdict == "inconclusive" and not result.findings
    needs.target.setup = ["shop.app:init_db"]  # run inside the app's context
    result = run_chaos(db, settings, ChaosRequest(project="shop", definition=needs)).results[0]
    assert result.verdict == "resilient", result.message

    # the clock: datetime imported by name into the module is skewed too
    clock = load_scenario(
        "title: Clock\nsteady_state: {probes: [{path: /hour}], requests: 2}\n"
        "method:\n  - {type: clock_skew, skew_seconds: 7200}\n"
    )
    result = run_chaos(db, settings, ChaosRequest(project="shop", definition=clock)).results[0]
    assert result.verdict == "resilient" and result.fault_hits == {"clock_skew": 1}


@pytest.mark.sandbox
@pytest.mark.slow
def test_an_asgi_service_and_an_async_function_fault(lab_bench: Workbench, tmp_path) -> None:
    ingest(lab_bench, tmp_path, "api", ASGI)
    scenario = load_scenario(
        "title: Store is slow\n"
        "steady_state: {probes: [{path: /items, max_latency_ms: 300}], requests: 3}\n"
        "method:\n  - {type: latency, target: api.store.load_items, latency_ms: 400}\n"
    )
    report = run_chaos(
        lab_bench.db, lab_bench.settings, ChaosRequest(project="api", definition=scenario)
    )
    result = report.results[0]
    assert result.app == "api.main:app", result.message
    assert result.phases["before"].statuses == {"200": 3}
    assert result.phases["during"].p50_ms >= 400
    assert result.verdict == "degraded"
    # a target that does not exist is the scenario's error, said plainly
    wrong = load_scenario("title: x\nmethod:\n  - {type: exception, target: api.store.nope}\n")
    result = run_chaos(
        lab_bench.db, lab_bench.settings, ChaosRequest(project="api", definition=wrong)
    ).results[0]
    assert result.verdict == "error" and "could not be installed" in result.message


@pytest.mark.sandbox
@pytest.mark.slow
def test_doors_cli_and_rest(lab_settings: Settings, tmp_path) -> None:
    bench = Workbench.open(lab_settings)
    try:
        ingest(bench, tmp_path, "shop", SHOP)
    finally:
        bench.close()
    listed = runner.invoke(app, ["--home", str(lab_settings.home), "chaos", "scenarios"])
    assert listed.exit_code == 0 and "database-down" in listed.output
    done = runner.invoke(
        app, ["--home", str(lab_settings.home), "chaos", "run", "shop", "-s", "database-down"]
    )
    assert done.exit_code == 1, done.output  # degraded: not resilient
    assert "verdict: degraded" in done.output, done.output
    assert "shop/app.py:16" in done.output, done.output
    bad = tmp_path / "bad.yaml"
    bad.write_text("title: x\nmethod: []\n")
    refused = runner.invoke(
        app, ["--home", str(lab_settings.home), "chaos", "run", "shop", "-s", str(bad)]
    )
    assert refused.exit_code == 2 and "method" in refused.output
    unknown = runner.invoke(
        app, ["--home", str(lab_settings.home), "chaos", "run", "shop", "-s", "nope"]
    )
    assert unknown.exit_code == 2 and "outbound-http-down" in unknown.output

    for hostport in serve_in_thread(lab_settings):
        api = f"http://{hostport}/api/v1/devlab/testing"
        names = [s["name"] for s in httpx.get(f"{api}/chaos/scenarios").json()]
        assert "disk-full" in names
        resp = httpx.post(f"{api}/chaos", json={"project": "shop", "scenario": "disk-full"})
        assert resp.status_code == 202, resp.text
        job = wait_job(f"http://{hostport}", resp.json()["id"], timeout=120)
        assert job["status"] == "succeeded", job
        assert job["result"]["results"][0]["verdict"] == "resilient"
        runs = httpx.get(f"{api}/runs", params={"project": "shop", "kind": "chaos"}).json()
        assert len(runs) == 2
        body = assert_error_shape(
            httpx.post(f"{api}/chaos", json={"project": "shop", "scenario": "meteor"}), 422
        )
        assert "disk-full" in body["error"]
        bad_def = {"project": "shop", "definition": {"title": "x", "method": [{"type": "x"}]}}
        body = assert_error_shape(httpx.post(f"{api}/chaos", json=bad_def), 422)
        assert "method" in json.dumps(body)
        assert_error_shape(
            httpx.post(f"{api}/chaos", json={"project": "nope", "scenario": "disk-full"}), 404
        )
