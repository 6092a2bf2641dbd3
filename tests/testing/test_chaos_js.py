"""Chaos scenarios on a JavaScript service (issue 15): a node http service (the shape an
Express or Koa app has: it listens from its entry file, calls a module's function and
another host) run in the real sandbox by ``chaos_runner.js`` under injected faults."""

from __future__ import annotations

import shutil

import pytest

from devlab.testing import ChaosRequest, load_scenario, run_chaos
from devlab.testing.chaos import find_js_app
from devlab.testing.project import load_files
from devlab.workbench import Workbench
from lab_projects import ingest

pytestmark = pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")

SERVICE = {
    "package.json": '{"name": "catalog", "version": "1.0.0", "main": "server.js"}\n',
    "lib/store.js": "let items = ['a', 'b'];\n\nfunction load() {\n  return items;\n}\n\n"
    "module.exports = { load };\n",
    "server.js": """const http = require('http');
const store = require('./lib/store');
const write = require('fs').writeFileSync;  // a reference taken at load time

const server = http.createServer((req, res) => {
  if (req.url === '/items') {
    res.end(JSON.stringify(store.load()));  // unguarded: an error here is a crash
  } else if (req.url === '/upstream') {
    http.get('http://prices.internal/v1', (up) => {
      up.resume();
      up.on('end', () => res.end('ok'));
    }).on('error', () => { res.statusCode = 503; res.end('prices are down'); });
  } else if (req.url === '/save') {
    try {
      write('saved.txt', 'x');
      res.end('saved');
    } catch (err) {
      res.statusCode = 507;
      res.end(err.code);
    }
  } else if (req.url === '/year') {
    res.end(String(new Date().getFullYear()));
  } else {
    res.end('hi');
  }
});
server.listen(process.env.PORT || 3000);
module.exports = server;
""",
}


def test_the_js_service_is_found_from_package_json(lab_bench: Workbench, tmp_path) -> None:
    ingest(lab_bench, tmp_path, "catalog", SERVICE)
    pf = load_files(lab_bench.db, "catalog", also=(".js", ".json"))
    assert find_js_app(pf) == "server.js"
    pf.files["package.json"] = "not json"
    assert find_js_app(pf) == "server.js"  # a usual entry name, still
    del pf.files["server.js"]
    assert find_js_app(pf) is None


@pytest.mark.sandbox
@pytest.mark.slow
def test_faults_on_a_node_service(lab_bench: Workbench, tmp_path) -> None:
    ingest(lab_bench, tmp_path, "catalog", SERVICE)
    db, settings = lab_bench.db, lab_bench.settings
    crash = load_scenario(
        "title: Store fails\n"
        "steady_state: {probes: [{path: /items}], requests: 4}\n"
        "method:\n  - {type: exception, target: 'lib.store:load', exception: TypeError}\n"
    )
    result = run_chaos(db, settings, ChaosRequest(project="catalog", definition=crash)).results[0]
    assert result.app == "server.js"
    assert result.phases["before"].held and result.phases["after"].held, result.message
    assert result.verdict == "degraded" and result.fault_hits == {"exception:lib.store:load": 4}
    assert result.phases["during"].statuses == {"crash": 4}  # uncaught: would end node
    first = result.failures[0]
    assert first.error.startswith("uncaught TypeError") and (first.path, first.line) == (
        "server.js",
        7,
    )
    assert "DL-CHAOS-UNHANDLED" in {f.rule_id for f in result.findings}

    # outbound HTTP down: the service answers 503 itself (a handled degradation)
    down = load_scenario(
        "title: Prices down\nsteady_state: {probes: [{path: /upstream}], requests: 3}\n"
        "method:\n  - {type: http_failure}\n"
    )
    result = run_chaos(db, settings, ChaosRequest(project="catalog", definition=down)).results[0]
    assert result.verdict == "resilient", result.message
    assert result.phases["during"].statuses == {"503": 3} and result.outbound["attempts"] >= 6

    # the clock one year ahead; unsupported faults are named
    clock = load_scenario(
        "title: Clock\nsteady_state: {probes: [{path: /year}], requests: 2}\n"
        "method:\n  - {type: clock_skew, skew_seconds: 31536000}\n"
    )
    result = run_chaos(db, settings, ChaosRequest(project="catalog", definition=clock)).results[0]
    assert result.verdict == "resilient" and result.fault_hits == {"clock_skew": 1}
    full = load_scenario(
        "title: Disk\nsteady_state: {probes: [{path: /save}, {path: /items}], requests: 4}\n"
        "method:\n  - {type: disk_full}\n"
    )
    result = run_chaos(db, settings, ChaosRequest(project="catalog", definition=full)).results[0]
    assert result.verdict == "degraded" and result.fault_hits == {"disk_full": 2}
    assert result.phases["during"].statuses == {"507": 2, "200": 2}  # reads go on
    database = load_scenario("title: DB\nmethod:\n  - {type: db_failure}\n")
    result = run_chaos(db, settings, ChaosRequest(project="catalog", definition=database))
    assert "not available for JavaScript services" in result.results[0].message
