"""Single sign-on against a real OpenID Connect provider started by the test
(oidc-provider-mock, a Flask server on loopback): the code flow signs a new user in
with a session, a second sign-in finds the same user, and a forged state is refused."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from devlab.config import load_settings
from helpers import assert_error_shape, serve_in_thread

oidc_mock = pytest.importorskip("oidc_provider_mock")
P = "/api/v1/devlab"


def _sign_in(client: httpx.Client, sub: str) -> httpx.Response:
    start = client.get(f"{P}/auth/oidc/login")
    assert start.status_code == 302, start.text
    authorize = start.headers["location"]
    # the provider's consent form, answered as the person would
    answer = httpx.post(authorize, data={"sub": sub}, follow_redirects=False)
    assert answer.status_code in (302, 303), answer.text
    back = urlsplit(answer.headers["location"])
    assert parse_qs(back.query)["state"]
    return client.get(f"{back.path}?{back.query}")


@pytest.mark.slow
def test_oidc_code_flow_signs_users_in(tmp_path) -> None:
    with oidc_mock.run_server_in_thread() as provider:
        issuer = f"http://localhost:{provider.server_port}"
        settings = load_settings(
            home=tmp_path / "home",
            oidc_issuer=issuer,
            oidc_client_id="devlab",
            oidc_client_secret="devlab-secret",
        )
        for hostport in serve_in_thread(settings):
            with httpx.Client(base_url=f"http://{hostport}") as client:
                methods = client.get(f"{P}/auth/methods").json()
                assert methods == {"password": True, "oidc": True}
                done = _sign_in(client, "alice@example.org")
                assert done.status_code == 303 and done.headers["location"] == "/"
                assert "httponly" in done.headers["set-cookie"].lower()
                me = client.get(f"{P}/auth/me").json()
                assert me["user"] == "alice@example.org" and me["local"] is False
                assert me["csrf_token"] and me["projects"] == {}
            with httpx.Client(base_url=f"http://{hostport}") as again:
                _sign_in(again, "alice@example.org")
                assert again.get(f"{P}/auth/me").json()["user"] == "alice@example.org"
                forged = again.get(f"{P}/auth/oidc/callback", params={"code": "x", "state": "y"})
                assert "expired sign-in" in assert_error_shape(forged, 401)["error"]


def test_oidc_not_configured_is_503(tmp_path) -> None:
    for hostport in serve_in_thread(load_settings(home=tmp_path / "home")):
        resp = httpx.get(f"http://{hostport}{P}/auth/oidc/login")
        assert "not configured" in assert_error_shape(resp, 503)["error"]
        methods = httpx.get(f"http://{hostport}{P}/auth/methods").json()
        assert methods == {"password": True, "oidc": False}  # the page shows no SSO button
