"""Live API tests: the SSRF allow-list, one checked request, whole-spec property tests."""

from __future__ import annotations

import json
import socket
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from devlab.apibuilder import AllowList, Budget, TargetRefused, send_request, test_spec
from devlab.apibuilder.livetest import BudgetExhausted, check_target, pin


@pytest.mark.parametrize(
    "url, rule",
    [
        ("http://169.254.169.254/latest/meta-data", "metadata"),
        ("http://[fe80::1]/", "link-local"),
        ("http://169.254.10.10/", "link-local"),
        ("http://10.1.2.3/", "private-network"),
        ("http://192.168.0.1/", "private-network"),
        ("http://public.example.com/", "not-allow-listed"),
        ("ftp://127.0.0.1/", "scheme"),
        ("http://user:pw@127.0.0.1/", "credentials-in-url"),
    ],
)
def test_targets_outside_the_allow_list_are_refused_naming_the_rule(url, rule):
    with pytest.raises(TargetRefused) as caught:
        check_target(url, AllowList())
    assert caught.value.status_code == 403 and caught.value.detail["rule"] == rule
    assert rule in caught.value.message


def test_loopback_and_declared_private_urls_are_allowed():
    check_target("http://127.0.0.1:9/", AllowList())
    check_target("http://10.1.2.3:8080/x", AllowList(base_urls=["http://10.1.2.3:8080"]))
    with pytest.raises(TargetRefused):  # metadata stays refused even when declared
        check_target("http://169.254.169.254/", AllowList(base_urls=["http://169.254.169.254"]))
    with pytest.raises(TargetRefused):
        check_target("http://127.0.0.1/", AllowList(allow_loopback=False))


def test_one_request_is_checked_against_the_spec(petstore_model, mock_url):
    result = send_request(
        "/pets/7", "GET", allow=AllowList(), model=petstore_model, base_url=mock_url
    )
    assert result.status == 200 and result.conforms and result.operation == "showPetById"
    assert result.curl.startswith("curl -X GET")
    missing = send_request(
        "/nowhere", "GET", allow=AllowList(), model=petstore_model, base_url=mock_url
    )
    assert missing.conforms is False


class _Redirect(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        self.send_response(302)
        self.send_header("Location", "http://169.254.169.254/latest/meta-data")
        self.send_header("Content-Length", "0")
        self.end_headers()


def test_redirects_are_rechecked(serve):
    url = serve(ThreadingHTTPServer(("127.0.0.1", 0), _Redirect))
    with pytest.raises(TargetRefused, match="metadata"):
        send_request(url + "/go", allow=AllowList())


def test_budget_bounds_count():
    budget = Budget(max_requests=2, per_second=1000)
    budget.take()
    budget.take()
    with pytest.raises(BudgetExhausted):
        budget.take()


class _Buggy(BaseHTTPRequestHandler):
    """GET /pets answers 500 for large limits; /pets/{id} a body missing 'id'."""

    def log_message(self, *args):
        pass

    def _json(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        if self.path.startswith("/pets/"):
            self._json(200, {"name": "Rex"})
        elif "limit=" in self.path and int(self.path.split("limit=")[1].split("&")[0]) > 50:
            self._json(500, {"error": "boom"})
        else:
            self._json(200, [])

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        self._json(201, {"id": 1, "name": "x"})

    def do_DELETE(self):
        self.send_response(204)
        self.send_header("Content-Length", "0")
        self.end_headers()


@pytest.mark.slow
def test_property_tests_find_bugs_with_curl_reproductions(petstore_model, serve):
    url = serve(ThreadingHTTPServer(("127.0.0.1", 0), _Buggy))
    report = test_spec(
        petstore_model,
        url,
        allow=AllowList(),
        examples=25,
        budget=Budget(max_requests=400, per_second=500),
    )
    failing = {f.operation: f for f in report.failures}
    assert "GET /pets/{petId}" in failing  # response schema: 'id' is required
    assert "GET /pets" in failing  # a server error for limit > 50
    assert failing["GET /pets"].curl.startswith("curl")
    assert "limit=" in failing["GET /pets"].curl
    assert report.requests <= 400


def test_property_test_target_outside_the_allow_list(petstore_model):
    with pytest.raises(TargetRefused):
        test_spec(petstore_model, "http://10.9.9.9", allow=AllowList())


class _Echo(BaseHTTPRequestHandler):
    """Answers every GET with the Host header it received."""

    def log_message(self, *args):
        pass

    def do_GET(self):
        data = json.dumps({"host": self.headers.get("Host")}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def _rebinding_resolver(monkeypatch) -> list[str]:
    """``rebind.test`` resolves to loopback the first time and to the cloud metadata
    address on every later lookup (a DNS rebinding attack); other names as usual."""
    real = socket.getaddrinfo
    calls: list[str] = []

    def resolve(host, port, *args, **kwargs):
        if host != "rebind.test":
            return real(host, port, *args, **kwargs)
        calls.append(host)
        ip = "127.0.0.1" if len(calls) == 1 else "169.254.169.254"
        return [(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (ip, port or 80))]

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    return calls


def test_a_request_connects_to_the_address_that_was_checked(monkeypatch, serve):
    port = serve(ThreadingHTTPServer(("127.0.0.1", 0), _Echo)).rsplit(":", 1)[1]
    calls = _rebinding_resolver(monkeypatch)
    base = f"http://rebind.test:{port}"
    result = send_request(
        f"{base}/echo", params={"q": "1"}, allow=AllowList(base_urls=[base]), timeout=3
    )
    assert result.status == 200 and result.body == {"host": f"rebind.test:{port}"}
    assert result.url == f"{base}/echo?q=1" and base in result.curl
    assert calls == ["rebind.test"]  # resolved once, by the check; never again
    # a second request checks again, and the rebinding answer is refused
    with pytest.raises(TargetRefused, match="metadata"):
        send_request(f"{base}/echo", allow=AllowList(base_urls=[base]), timeout=3)


@pytest.mark.slow
def test_property_tests_connect_to_the_address_that_was_checked(
    monkeypatch, petstore_model, mock_url
):
    port = mock_url.rsplit(":", 1)[1]
    calls = _rebinding_resolver(monkeypatch)
    base = f"http://rebind.test:{port}/v1"
    report = test_spec(
        petstore_model,
        base,
        allow=AllowList(base_urls=[base]),
        examples=2,
        budget=Budget(max_requests=40, per_second=500, seconds=30),
    )
    assert calls == ["rebind.test"] and report.tested == 4 and report.requests >= 4
    assert report.failures == [], report.failures


def test_pin_keeps_the_host_for_the_header_and_tls():
    assert pin("https://api.example.com:8443/v1/x?a=1", "203.0.113.5") == (
        "https://203.0.113.5:8443/v1/x?a=1",
        "api.example.com:8443",
        "api.example.com",
    )
    assert pin("http://bücher.example/", "2001:db8::1") == (
        "http://[2001:db8::1]/",
        "xn--bcher-kva.example",
        "xn--bcher-kva.example",
    )


@pytest.mark.slow
def test_spec_tests_run_as_a_job_with_progress(tmp_path, petstore_text, mock_url):
    import asyncio

    import httpx as client_lib

    from devlab.config import Settings
    from devlab.server.app import create_app

    api = "/api/v1/devlab/api"

    async def scenario(client) -> None:
        body = {"schema": petstore_text, "base_url": mock_url + "/v1", "examples": 2}
        res = await client.post(f"{api}/test-spec", json=body)
        assert res.status_code == 202, res.text
        job = res.json()
        assert job["kind"] == "api-test-spec" and job["events"].endswith("/events")
        assert job["params"]["operations"] == 4
        for _ in range(300):
            job = (await client.get(f"/api/v1/devlab/jobs/{job['id']}")).json()
            if job["status"] in ("succeeded", "failed", "cancelled"):
                break
            await asyncio.sleep(0.1)
        assert job["status"] == "succeeded", job
        assert job["progress"]["done"] == job["progress"]["total"] == 4
        assert job["result"]["tested"] == 4 and job["result"]["requests"] >= 4
        refused = await client.post(
            f"{api}/test-spec", json={**body, "base_url": "http://169.254.169.254/"}
        )
        assert refused.status_code == 403 and "metadata" in refused.json()["error"]

    async def main() -> None:
        application = create_app(Settings(home=tmp_path / "home"))
        async with application.router.lifespan_context(application):
            transport = client_lib.ASGITransport(app=application)
            async with client_lib.AsyncClient(transport=transport, base_url="http://t") as c:
                await scenario(c)

    asyncio.run(main())


@pytest.mark.slow
def test_cli_spec_test_shows_progress_and_records_a_job(tmp_path, petstore_text, mock_url):
    from typer.testing import CliRunner

    from devlab.cli import app

    spec = tmp_path / "petstore.yaml"
    spec.write_text(petstore_text)
    home = ["--home", str(tmp_path / "home")]
    args = [*home, "api", "test", str(spec), "--base-url", mock_url + "/v1", "--examples", "2"]
    runner = CliRunner()
    shown = runner.invoke(app, args)
    assert shown.exit_code == 0, shown.output
    assert "4/4 operations passed" in shown.stdout and "operations" in shown.stderr
    as_json = runner.invoke(app, [*args, "--json"])
    assert as_json.exit_code == 0 and json.loads(as_json.stdout)["tested"] == 4
    jobs = runner.invoke(app, [*home, "jobs", "--json"])
    assert jobs.stdout.count("api-test-spec") == 2, jobs.output


class _Slow(_Buggy):
    """The buggy service, a quarter second per answer."""

    def do_GET(self):
        import time

        time.sleep(0.25)
        super().do_GET()


@pytest.mark.slow
def test_a_spec_test_job_cancels_between_operations(bench, petstore_model, serve):
    import time

    from devlab.apibuilder import submit_spec_test

    url = serve(ThreadingHTTPServer(("127.0.0.1", 0), _Slow))
    job = submit_spec_test(bench, petstore_model, url, allow=AllowList(), examples=5)
    deadline = time.monotonic() + 60
    while bench.jobs.get(job.id).progress.done < 1 and time.monotonic() < deadline:
        time.sleep(0.05)
    bench.jobs.cancel(job.id)
    done = bench.jobs.wait(job.id, timeout=60)
    assert done.status == "cancelled" and done.result is None
    assert 1 <= done.progress.done < done.progress.total == 4
