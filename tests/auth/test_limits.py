"""Quotas and rate-limit windows: the per-project storage quota on a real server, and
the sliding window's arithmetic (what Retry-After says)."""

from __future__ import annotations

import time

import httpx
import pytest

from devlab.auth import tokens, users
from devlab.auth.errors import TooManyRequests
from devlab.auth.limits import LoginThrottle, SlidingWindow
from devlab.codebase.ingest import get_or_create_project
from devlab.config import load_settings
from devlab.store.db import Database
from devlab.store.models import FileVersion
from helpers import assert_error_shape, serve_in_thread


def test_project_storage_quota_refuses_more_ingestion(tmp_path) -> None:
    settings = load_settings(home=tmp_path / "home", quota_project_storage_mb=1)
    db = Database(settings)
    users.create_user(db, "dev", "long-enough-pw")
    token = tokens.create_token(db, "dev").token
    pid = get_or_create_project(db, "big", "/src")
    users.set_member(db, pid, "dev", "developer")
    with db.session() as s:
        s.add(
            FileVersion(
                project_id=pid,
                path="a.bin",
                content_hash="h",
                language="text",
                size=2_000_000,
                line_count=1,
            )
        )
    db.close()
    for hostport in serve_in_thread(settings):
        resp = httpx.post(
            f"http://{hostport}/api/v1/devlab/projects",
            json={"name": "big", "source": str(tmp_path)},
            headers={"Authorization": f"Bearer {token}"},
        )
        body = assert_error_shape(resp, 413)
        assert "quota_project_storage_mb" in body["error"] and "2.0 MB" in body["error"]


@pytest.mark.slow
def test_sliding_window_says_when_to_retry(tmp_path) -> None:
    db = Database(load_settings(home=tmp_path / "home"))
    try:
        window = SlidingWindow("t", limit=3, window=2.0)
        for _ in range(3):
            window.take(db, "k", 1, "requests")
        with pytest.raises(TooManyRequests) as hit:
            window.take(db, "k", 1, "requests")
        assert 1 <= hit.value.retry_after <= 3
        assert window.retry_after(db, "other", 1) == 0  # keys are separate
        time.sleep(2.1)
        window.take(db, "k", 1, "requests")  # the window moved on
        assert SlidingWindow("t", limit=0).retry_after(db, "k", 10**9) == 0  # 0: no limit
    finally:
        db.close()


def test_login_throttle_counts_names_case_insensitively(tmp_path) -> None:
    db = Database(load_settings(home=tmp_path / "home"))
    try:
        throttle = LoginThrottle(failures=2, window=60)
        throttle.failed(db, "Ann", "10.0.0.1")
        throttle.failed(db, "ann", "10.0.0.2")
        with pytest.raises(TooManyRequests):
            throttle.check(db, "ANN", "10.0.0.3")
        throttle.succeeded(db, "ann")
        throttle.check(db, "ann", "10.0.0.3")
    finally:
        db.close()


@pytest.mark.slow
def test_production_password_hashes_are_argon2id_with_the_librarys_defaults() -> None:
    from argon2 import PasswordHasher

    from devlab.auth import passwords

    hashed = PasswordHasher().hash("x" * 12)  # what passwords._HASHER is outside tests
    assert hashed.startswith("$argon2id$") and "m=65536,t=3" in hashed
    assert passwords.verify_password(hashed, "x" * 12)
    assert not passwords.verify_password(hashed, "y" * 12)
    assert not passwords.verify_password(None, "x" * 12)  # unknown user: still checked
