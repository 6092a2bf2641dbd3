"""Retention (the purge job) and the access CLI on a real store: `devlab users`,
`devlab tokens`, `devlab audit`, and `devlab serve` refusing a public address until an
admin exists."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select, update
from typer.testing import CliRunner

from devlab.auth.audit import list_events, verify_chain
from devlab.auth.retention import purge
from devlab.cli import app
from devlab.config import load_settings
from devlab.store.db import Database
from devlab.store.models import AuditEventRow, Conversation, Execution, MessageRow, utcnow


def test_purge_deletes_what_the_policy_no_longer_keeps(tmp_path) -> None:
    settings = load_settings(home=tmp_path / "home", retention_conversation_days=30)
    db = Database(settings)
    try:
        old, now = utcnow() - timedelta(days=31), utcnow()
        with db.session() as s:
            stale = Conversation(kind="chat", title="old", updated_at=old)
            fresh = Conversation(kind="chat", title="new")
            s.add_all([stale, fresh])
            s.flush()
            s.add(MessageRow(conversation_id=stale.id, role="user", content="secret code"))
            common = {"language": "python", "mode": "run", "source_hash": "h", "status": "ok"}
            s.add(Execution(source="print(1)", created_at=old, **common))
            s.add(Execution(source="print(2)", created_at=now, **common))
        report = purge(db, settings)
        assert (report.conversations, report.sandbox_sources) == (1, 1)
        with db.session() as s:
            assert [c.title for c in s.scalars(select(Conversation))] == ["new"]
            assert s.scalars(select(MessageRow)).all() == []
            assert sorted(str(e.source) for e in s.scalars(select(Execution))) == [
                "None",
                "print(2)",
            ]
        assert list_events(db, action="retention.purge")[0].detail["conversations"] == 1
    finally:
        db.close()


@pytest.mark.slow
def test_users_tokens_audit_cli_and_serve_refusal(tmp_path) -> None:
    home = str(tmp_path / "home")
    run = CliRunner().invoke
    refused = run(app, ["--home", home, "serve", "--host", "0.0.0.0", "--port", "8799"])
    assert refused.exit_code == 2
    said = " ".join(refused.output.split())  # rich wraps long lines
    assert "no admin account exists" in said and "create-admin" in said
    short = run(
        app, ["--home", home, "users", "create-admin", "root", "--password-stdin"], "short\n"
    )
    assert short.exit_code == 2 and "at least 8" in " ".join(short.output.split())
    made = run(
        app, ["--home", home, "users", "create-admin", "root", "--password-stdin"], "s3cret-pass\n"
    )
    assert made.exit_code == 0, made.output
    assert (
        run(
            app, ["--home", home, "users", "create", "ann", "--password-stdin"], "pw-pw-pw-pw\n"
        ).exit_code
        == 0
    )
    listed = run(app, ["--home", home, "users", "list", "--json"])
    assert [(u["name"], u["is_admin"]) for u in json.loads(listed.stdout)] == [
        ("ann", False),
        ("root", True),
    ]
    token = run(
        app, ["--home", home, "tokens", "create", "--user", "ann", "--scope", "read", "--json"]
    )
    assert token.exit_code == 0, token.output
    data = json.loads(token.stdout)
    assert data["token"].startswith("dlt_") and data["scopes"] == ["read"]
    bad = run(app, ["--home", home, "tokens", "create", "--user", "ann", "--scope", "admin"])
    assert bad.exit_code == 2 and "not an admin" in " ".join(bad.output.split())
    assert run(app, ["--home", home, "tokens", "revoke", str(data["id"])]).exit_code == 0
    assert run(app, ["--home", home, "users", "disable", "ann"]).exit_code == 0
    verified = run(app, ["--home", home, "audit", "--verify"])
    assert verified.exit_code == 0 and json.loads(verified.stdout)["ok"] is True
    export = tmp_path / "audit.jsonl"
    assert run(app, ["--home", home, "audit", "--export", str(export)]).exit_code == 0
    actions = [json.loads(line)["action"] for line in export.read_text().splitlines()]
    assert actions == ["user.create", "user.create", "token.create", "token.revoke", "user.disable"]
    # tampering with an entry breaks the chain, and verify names it
    db = Database(load_settings(home=tmp_path / "home"))
    try:
        with db.session() as s:
            s.execute(update(AuditEventRow).where(AuditEventRow.id == 3).values(actor="ann"))
        check = verify_chain(db)
        assert check.ok is False and check.first_bad_id == 3
    finally:
        db.close()
    tampered = run(app, ["--home", home, "audit", "--verify"])
    assert tampered.exit_code == 1


def test_config_never_prints_secrets(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("DEVLAB_ENCRYPTION_KEY", "k" * 43 + "=")
    monkeypatch.setenv("DEVLAB_OIDC_CLIENT_SECRET", "oidc-secret-value")
    shown = CliRunner().invoke(app, ["--home", str(tmp_path / "h"), "config"])
    assert shown.exit_code == 0, shown.output
    assert "oidc-secret-value" not in shown.stdout and "k" * 43 not in shown.stdout
    data = json.loads(shown.stdout)
    assert data["oidc_client_secret"] == "**********"
