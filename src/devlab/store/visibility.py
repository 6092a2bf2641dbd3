"""Row visibility for listings on a shared server: a caller sees the rows of the
projects they have a role on, and their own rows that belong to no project. Listing
functions take an optional ``Visibility`` and add this clause to their query, so a row
the caller may not see is never read, rather than read and dropped."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, false, or_


@dataclass(frozen=True)
class Visibility:
    """``projects``: the project ids the caller may see; ``user_id``: the caller."""

    projects: Collection[int]
    user_id: int | None


def visible_clause(visible: Visibility, project_col: Any, user_col: Any | None = None) -> Any:
    """A WHERE clause: the row's project is visible, or it has none and is the caller's."""
    parts = [project_col.in_(list(visible.projects))] if visible.projects else []
    if user_col is not None and visible.user_id is not None:
        parts.append(and_(project_col.is_(None), user_col == visible.user_id))
    return or_(*parts) if parts else false()


__all__ = ["Visibility", "visible_clause"]
