"""Access control for a shared server: users (argon2 passwords), personal API tokens,
web sessions with CSRF protection, roles per project, the route rule table, rate limits
and the append-only audit log (hash chain)."""

from devlab.auth.errors import Forbidden, TooManyRequests, Unauthorized
from devlab.auth.models import ROLES, SCOPES, role_rank
from devlab.auth.rules import RULES, Rule

__all__ = [
    "ROLES",
    "RULES",
    "SCOPES",
    "Forbidden",
    "Rule",
    "TooManyRequests",
    "Unauthorized",
    "role_rank",
]
