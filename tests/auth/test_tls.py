"""`devlab serve --tls-cert/--tls-key`: the flags' checks, and a real HTTPS server (a
self-signed certificate made by the test) whose session cookie carries Secure."""

from __future__ import annotations

import datetime as dt
import ipaddress
import socket
import threading
import time
from pathlib import Path

import httpx
import pytest
import uvicorn
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from typer.testing import CliRunner

from devlab.auth import users
from devlab.auth.serving import check_serving
from devlab.cli import app
from devlab.config import load_settings
from devlab.server.app import create_app
from devlab.store.db import Database

PW = "tls-password-1"


def self_signed(folder: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def test_tls_flags_are_checked(tmp_path) -> None:
    run = CliRunner().invoke
    home = str(tmp_path / "home")
    half = run(app, ["--home", home, "serve", "--tls-cert", str(tmp_path / "c.pem")])
    assert half.exit_code == 2 and "both --tls-cert and --tls-key" in half.output
    missing = run(
        app, ["--home", home, "serve", "--tls-cert", "/nope.pem", "--tls-key", "/nope.key"]
    )
    assert missing.exit_code == 2 and "does not exist" in missing.output


@pytest.mark.slow
def test_https_server_sets_a_secure_session_cookie(tmp_path) -> None:
    cert, key = self_signed(tmp_path)
    settings = load_settings(home=tmp_path / "home")
    db = Database(settings)
    users.create_user(db, "ann", PW)
    db.close()
    tls = check_serving(settings, cert, key)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(settings), host="127.0.0.1", port=port, log_level="warning", **tls
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        base = f"https://127.0.0.1:{port}"
        with httpx.Client(base_url=base, verify=str(cert)) as client:
            for _ in range(100):
                try:
                    client.get("/api/v1/health")
                    break
                except httpx.HTTPError:
                    time.sleep(0.1)
            resp = client.post("/api/v1/devlab/auth/login", json={"name": "ann", "password": PW})
            assert resp.status_code == 200, resp.text
            cookie = resp.headers["set-cookie"].lower()
            assert "secure" in cookie and "httponly" in cookie
    finally:
        server.should_exit = True
        thread.join(10)
