"""CLI doors of access control on the local DEVLAB_HOME: ``devlab users``,
``devlab tokens``, ``devlab members`` and ``devlab audit``."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from devlab.auth import audit, tokens, users
from devlab.clitools import bench, emit_json, handle_errors, stdout
from devlab.errors import InvalidInput

users_app = typer.Typer(no_args_is_help=True, help="Accounts of a shared server.")
tokens_app = typer.Typer(no_args_is_help=True, help="Personal API tokens (shown once).")
members_app = typer.Typer(no_args_is_help=True, help="Roles of users on projects.")
audit_app = typer.Typer(invoke_without_command=True, help="The append-only audit log (admins).")


def _read_password(password_stdin: bool) -> str:
    if password_stdin:
        text = sys.stdin.readline().rstrip("\r\n")
        if not text:
            raise InvalidInput("no password on standard input")
        return text
    return str(typer.prompt("password", hide_input=True, confirmation_prompt=True))


def _record(action: str, target: str, **kw) -> None:  # type: ignore[no-untyped-def]
    with bench() as wb:
        audit.record(wb.db, action, actor="cli", target=target, ip="local", **kw)


@users_app.command("create-admin")
@handle_errors
def create_admin(
    name: str = typer.Argument(..., help="login name"),
    password_stdin: bool = typer.Option(False, "--password-stdin", help="read it from stdin"),
) -> None:
    """Create an instance admin (needed before `devlab serve` binds a public address)."""
    password = _read_password(password_stdin)
    with bench() as wb:
        user = users.create_user(wb.db, name, password, is_admin=True)
    _record("user.create", name, detail={"admin": True})
    stdout.print(f"admin {user.name!r} created (id {user.id})")


@users_app.command("create")
@handle_errors
def create(
    name: str = typer.Argument(..., help="login name"),
    password_stdin: bool = typer.Option(False, "--password-stdin", help="read it from stdin"),
    admin: bool = typer.Option(False, "--admin", help="make the user an instance admin"),
) -> None:
    """Create a user (then give them roles with `devlab members set`)."""
    password = _read_password(password_stdin)
    with bench() as wb:
        user = users.create_user(wb.db, name, password, is_admin=admin)
    _record("user.create", name, detail={"admin": admin})
    stdout.print(f"user {user.name!r} created (id {user.id})")


@users_app.command("list")
@handle_errors
def list_(as_json: bool = typer.Option(False, "--json", help="JSON output")) -> None:
    """Every user, with admin and disabled flags."""
    with bench() as wb:
        found = users.list_users(wb.db)
    if as_json:
        emit_json(found)
        return
    for u in found:
        flags = ", ".join(f for f, on in (("admin", u.is_admin), ("disabled", u.disabled)) if on)
        stdout.print(f"{u.id:>4}  {u.name}" + (f"  ({flags})" if flags else ""))


@users_app.command("disable")
@handle_errors
def disable(
    name: str,
    enable: bool = typer.Option(False, "--enable", help="enable the user again instead"),
) -> None:
    """Disable a user: their sessions and tokens stop working at once."""
    with bench() as wb:
        users.set_disabled(wb.db, name, not enable)
    _record("user.enable" if enable else "user.disable", name)
    stdout.print(f"user {name!r} {'enabled' if enable else 'disabled'}")


@tokens_app.command("create")
@handle_errors
def token_create(
    user: str = typer.Option(..., "--user", help="the token's user"),
    scope: list[str] = typer.Option(
        ["read", "write"], "--scope", help="read | write | admin (repeat the option)"
    ),
    expires: int = typer.Option(90, "--expires", help="days until it expires (0: never)"),
    name: str = typer.Option("", "--name", help="a label for the token"),
    as_json: bool = typer.Option(False, "--json", help="JSON output"),
) -> None:
    """Create an API token; the secret is printed this once."""
    scopes = [s.strip() for item in scope for s in item.split(",") if s.strip()]
    if expires < 0:
        raise InvalidInput("--expires takes days (0 for never)")
    with bench() as wb:
        made = tokens.create_token(
            wb.db, user, scopes=scopes, expires_days=expires or None, name=name
        )
    _record("token.create", f"token {made.id}", user_id=None)
    if as_json:
        emit_json(made)
        return
    stdout.print(f"token {made.id} for {made.user} (scopes {', '.join(made.scopes)}):")
    sys.stdout.write(made.token + "\n")
    stdout.print("store it now: it is not shown again")


@tokens_app.command("revoke")
@handle_errors
def token_revoke(token_id: int = typer.Argument(..., help="the token's id")) -> None:
    """Revoke a token: it answers 401 from now on."""
    with bench() as wb:
        tokens.revoke_token(wb.db, token_id)
    _record("token.revoke", f"token {token_id}")
    stdout.print(f"token {token_id} revoked")


@tokens_app.command("list")
@handle_errors
def token_list(user: str = typer.Option(None, "--user", help="only this user's")) -> None:
    with bench() as wb:
        uid = users.find_user(wb.db, user).id if user else None
        emit_json(tokens.list_tokens(wb.db, user_id=uid))


@members_app.command("set")
@handle_errors
def member_set(
    project: str = typer.Argument(..., help="project name or id"),
    user: str = typer.Argument(...),
    role: str = typer.Argument(..., help="viewer | developer | maintainer"),
) -> None:
    """Give a user a role on a project."""
    from devlab.codebase import resolve_project

    with bench() as wb:
        ref = resolve_project(wb.db, project)
        users.set_member(wb.db, ref.id, user, role)
    _record("member.set", user, project_id=ref.id, detail={"role": role})
    stdout.print(f"{user} is {role} on {ref.name}")


@members_app.command("list")
@handle_errors
def member_list(project: str = typer.Argument(..., help="project name or id")) -> None:
    from devlab.codebase import resolve_project

    with bench() as wb:
        emit_json(users.list_members(wb.db, resolve_project(wb.db, project).id))


keys_app = typer.Typer(no_args_is_help=True, help="Encryption keys of stored text.")


@keys_app.command("generate")
@handle_errors
def keys_generate() -> None:
    """Print a new key (put it in DEVLAB_ENCRYPTION_KEY or first in the key file)."""
    from devlab.store import new_key

    sys.stdout.write(new_key() + "\n")


@keys_app.command("rotate")
@handle_errors
def keys_rotate() -> None:
    """Re-encrypt every stored source text and conversation, re-hash the full-text index
    and re-encrypt the dataset files with the newest key (the first one); the older keys
    must still be configured (after it, in the key file)."""
    from devlab.store import rotate_all
    from devlab.training import reseal_datasets

    with bench() as wb:
        counts = rotate_all(wb.db)
        counts["dataset_files"] = reseal_datasets(wb.settings)
    _record("keys.rotate", "encrypted columns", detail=counts)
    emit_json(counts)


purge_app = typer.Typer(help="Apply the retention policy now.")


@purge_app.callback(invoke_without_command=True)
@handle_errors
def purge_main() -> None:
    """Delete conversations and kept sandbox sources past their retention."""
    from devlab.auth.retention import purge

    with bench() as wb:
        emit_json(purge(wb.db, wb.settings, actor="cli"))


@audit_app.callback()
@handle_errors
def audit_main(
    ctx: typer.Context,
    action: str = typer.Option(None, "--action", help="only this action"),
    actor: str = typer.Option(None, "--actor", help="only this user"),
    limit: int = typer.Option(100, "--limit", min=1, max=100_000),
    export: Path = typer.Option(None, "--export", help="write the whole log as JSON lines"),
    verify: bool = typer.Option(False, "--verify", help="check the hash chain"),
) -> None:
    """Show audit events (oldest first), export them, or verify the chain."""
    if ctx.invoked_subcommand is not None:
        return
    with bench() as wb:
        if verify:
            check = audit.verify_chain(wb.db)
            emit_json(check)
            if not check.ok:
                raise typer.Exit(1)
            return
        if export is not None:
            with open(export, "w", encoding="utf-8") as out:
                count = sum(1 for line in audit.export_jsonl(wb.db) if out.write(line))
            stdout.print(f"{count} events written to {export}")
            return
        events = audit.list_events(wb.db, action=action, actor=actor, limit=limit)
    for e in events:
        where = f" project {e.project_id}" if e.project_id else ""
        stdout.print(
            f"{e.id:>6} {e.created_at:%Y-%m-%d %H:%M:%S} {e.actor} {e.action} "
            f"{e.target}{where} [{e.outcome}]",
            highlight=False,
            markup=False,
        )
