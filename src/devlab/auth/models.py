"""Pydantic models of access control: roles, users, tokens, members, audit events."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from devlab.webtools import ROLES as ROLES  # the roles live with Principal
from devlab.webtools import role_rank as role_rank

Role = Literal["viewer", "developer", "maintainer"]
Scope = Literal["read", "write", "admin"]
DEFAULT_SCOPES: tuple[Scope, ...] = ("read", "write")  # a new token's, when none are named
SCOPES: tuple[str, ...] = ("read", "write", "admin")
NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,99}$"


class Strict(BaseModel):
    """Request bodies of this package: unknown fields are errors."""

    model_config = ConfigDict(extra="forbid")


class UserInfo(BaseModel):
    id: int
    name: str
    is_admin: bool
    disabled: bool
    sso: bool = False
    created_at: datetime
    last_login_at: datetime | None = None


class UserCreate(Strict):
    name: str = Field(pattern=NAME_PATTERN, description="login name")
    password: str = Field(min_length=8, max_length=1024)
    is_admin: bool = False


class LoginRequest(Strict):
    name: str = Field(min_length=1, max_length=100)
    password: str = Field(min_length=1, max_length=1024)


class LoginAnswer(BaseModel):
    user: UserInfo
    csrf_token: str = Field(description="send it as X-CSRF-Token on state-changing requests")


class TokenCreate(Strict):
    name: str = Field(default="", max_length=100)
    scopes: list[Scope] = Field(default_factory=lambda: list(DEFAULT_SCOPES), min_length=1)
    expires_days: int | None = Field(default=90, ge=1, le=3650, description="None: never")


class TokenInfo(BaseModel):
    id: int
    user: str
    name: str
    scopes: list[str]
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None
    last_used_at: datetime | None


class NewToken(TokenInfo):
    token: str = Field(description="the secret: shown this once, only its hash is kept")


class MemberSet(Strict):
    user: str = Field(min_length=1, max_length=100)
    role: Role


class MemberInfo(BaseModel):
    project_id: int
    user: str
    role: Role


class Me(BaseModel):
    user: str
    is_admin: bool
    local: bool = Field(description="the single local user (no accounts exist yet)")
    token_scopes: list[str] | None = None
    csrf_token: str | None = Field(default=None, description="a web session's CSRF token")
    projects: dict[str, str] = Field(description="project name -> your role")


class AuditEvent(BaseModel):
    id: int
    created_at: datetime
    actor: str
    user_id: int | None
    token_id: int | None
    action: str
    project_id: int | None
    target: str
    ip: str
    outcome: str
    detail: dict[str, Any]
    prev_hash: str
    hash: str


class AuditCheck(BaseModel):
    ok: bool
    events: int
    first_bad_id: int | None = None
    problem: str | None = None
