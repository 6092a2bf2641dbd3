"""Users and their roles on projects (the library under ``devlab users`` and the
``/api/v1/devlab/users`` and ``/members`` routes)."""

from __future__ import annotations

import re
from typing import Any, cast

from sqlalchemy import CursorResult, delete, select
from sqlalchemy.exc import IntegrityError

from devlab.auth.errors import Unauthorized
from devlab.auth.models import NAME_PATTERN, ROLES, MemberInfo, UserInfo
from devlab.auth.passwords import hash_password, needs_rehash, verify_password
from devlab.errors import Conflict, InvalidInput, NotFound
from devlab.store import Database, Project, ProjectMemberRow, UserRow, utcnow

MIN_PASSWORD = 8


def user_info(row: UserRow) -> UserInfo:
    return UserInfo(
        id=row.id,
        name=row.name,
        is_admin=row.is_admin,
        disabled=row.disabled,
        sso=row.oidc_subject is not None,
        created_at=row.created_at,
        last_login_at=row.last_login_at,
    )


def _check_name(name: str) -> None:
    if not re.fullmatch(NAME_PATTERN, name):
        raise InvalidInput(
            f"invalid user name {name!r}: use 1-100 letters, digits, '.', '_', '@' or '-'"
        )


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise InvalidInput(f"the password needs at least {MIN_PASSWORD} characters")
    if len(password) > 1024:
        raise InvalidInput("the password is longer than 1024 characters")


def create_user(
    db: Database,
    name: str,
    password: str | None,
    *,
    is_admin: bool = False,
    oidc_subject: str | None = None,
) -> UserInfo:
    """Add a user; ``password`` None only for a single sign-on user."""
    _check_name(name)
    if password is None and oidc_subject is None:
        raise InvalidInput("a user needs a password (or single sign-on)")
    if password is not None:
        _check_password(password)
    row = UserRow(
        name=name,
        password_hash=hash_password(password) if password is not None else None,
        is_admin=is_admin,
        oidc_subject=oidc_subject,
    )
    try:
        with db.session() as s:
            s.add(row)
            s.flush()
            return user_info(row)
    except Exception as exc:  # IntegrityError wrapped in StorageError by db.session
        if isinstance(exc.__cause__, IntegrityError) or isinstance(exc, IntegrityError):
            raise Conflict(f"user {name!r} exists already") from exc
        raise


def users_exist(db: Database) -> bool:
    with db.session() as s:
        return s.scalar(select(UserRow.id).limit(1)) is not None


def admin_exists(db: Database) -> bool:
    with db.session() as s:
        query = select(UserRow.id).where(UserRow.is_admin, ~UserRow.disabled).limit(1)
        return s.scalar(query) is not None


def list_users(db: Database) -> list[UserInfo]:
    with db.session() as s:
        return [user_info(r) for r in s.scalars(select(UserRow).order_by(UserRow.name))]


def find_user(db: Database, name: str) -> UserInfo:
    with db.session() as s:
        row = s.scalar(select(UserRow).where(UserRow.name == name))
        if row is None:
            raise NotFound(f"no user {name!r}: list users with `devlab users list`")
        return user_info(row)


def get_user(db: Database, user_id: int) -> UserInfo | None:
    with db.session() as s:
        row = s.get(UserRow, user_id)
        return user_info(row) if row is not None else None


def set_disabled(db: Database, name: str, disabled: bool = True) -> UserInfo:
    """Disable (or enable) a user: a disabled user's sessions and tokens stop working."""
    with db.session() as s:
        row = s.scalar(select(UserRow).where(UserRow.name == name))
        if row is None:
            raise NotFound(f"no user {name!r}: list users with `devlab users list`")
        row.disabled = disabled
        s.flush()
        return user_info(row)


def set_password(db: Database, name: str, password: str) -> None:
    _check_password(password)
    with db.session() as s:
        row = s.scalar(select(UserRow).where(UserRow.name == name))
        if row is None:
            raise NotFound(f"no user {name!r}")
        row.password_hash = hash_password(password)


def authenticate(db: Database, name: str, password: str) -> UserInfo:
    """The user for ``name`` + ``password``, or ``Unauthorized`` with one message for
    every failure (unknown user, wrong password, disabled), checked in constant time."""
    with db.session() as s:
        row = s.scalar(select(UserRow).where(UserRow.name == name))
        ok = verify_password(row.password_hash if row else None, password)
        if not ok or row is None or row.disabled:
            raise Unauthorized("wrong user name or password")
        if needs_rehash(row.password_hash or ""):
            row.password_hash = hash_password(password)
        row.last_login_at = utcnow()
        s.flush()
        return user_info(row)


# -- roles on projects -----------------------------------------------------------------


def roles_of(db: Database, user_id: int) -> dict[int, str]:
    """project id -> the user's role there."""
    with db.session() as s:
        rows = s.execute(
            select(ProjectMemberRow.project_id, ProjectMemberRow.role).where(
                ProjectMemberRow.user_id == user_id
            )
        )
        return {pid: role for pid, role in rows}


def set_member(db: Database, project_id: int, user_name: str, role: str) -> MemberInfo:
    """Give ``user_name`` the ``role`` on a project (replacing the one it had)."""
    if role not in ROLES:
        raise InvalidInput(f"unknown role {role!r}: one of {', '.join(ROLES)}")
    user = find_user(db, user_name)
    with db.session() as s:
        if s.get(Project, project_id) is None:
            raise NotFound(f"no project {project_id}")
        row = s.get(ProjectMemberRow, (project_id, user.id))
        if row is None:
            s.add(ProjectMemberRow(project_id=project_id, user_id=user.id, role=role))
        else:
            row.role = role
    return MemberInfo(project_id=project_id, user=user.name, role=role)  # type: ignore[arg-type]


def remove_member(db: Database, project_id: int, user_name: str) -> None:
    user = find_user(db, user_name)
    with db.session() as s:
        # a DELETE answers a CursorResult (Session.execute is typed for any statement)
        gone = cast(
            CursorResult[Any],
            s.execute(
                delete(ProjectMemberRow).where(
                    ProjectMemberRow.project_id == project_id, ProjectMemberRow.user_id == user.id
                )
            ),
        )
        if not gone.rowcount:
            raise NotFound(f"user {user_name!r} is not a member of project {project_id}")


def list_members(db: Database, project_id: int) -> list[MemberInfo]:
    with db.session() as s:
        rows = s.execute(
            select(UserRow.name, ProjectMemberRow.role)
            .join(UserRow, UserRow.id == ProjectMemberRow.user_id)
            .where(ProjectMemberRow.project_id == project_id)
            .order_by(UserRow.name)
        )
        return [MemberInfo(project_id=project_id, user=n, role=r) for n, r in rows]


__all__ = [
    "admin_exists",
    "authenticate",
    "create_user",
    "find_user",
    "get_user",
    "list_members",
    "list_users",
    "remove_member",
    "roles_of",
    "set_disabled",
    "set_member",
    "set_password",
    "user_info",
    "users_exist",
]
