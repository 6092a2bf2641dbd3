"""Shared bounded integer types for ids and offsets at every door (issue 13).

Every integer that reaches the database from outside (a ``{id}`` path segment,
an ``offset``/``after`` query, an id inside a request body) must fit a signed
64-bit SQL INTEGER; anything larger used to reach SQLite and come back as a
500 (``OverflowError``). These aliases carry the bound in the type, so FastAPI
answers 422 and the OpenAPI schema states ``minimum``/``maximum``.

    from devlab.apitypes import DbId, DbOffset
    def get_one(insight_id: DbId): ...
"""

from __future__ import annotations

from typing import Annotated, Any

import annotated_types as at
from pydantic import BeforeValidator, WithJsonSchema

SQL_INT_MAX = 2**63 - 1

DbId = Annotated[int, at.Ge(1), at.Le(SQL_INT_MAX)]
"""A row id: 1 .. 2**63-1."""

DbOffset = Annotated[int, at.Ge(0), at.Le(SQL_INT_MAX)]
"""An offset, a cursor or a count: 0 .. 2**63-1."""


def _ref_text(value: Any) -> Any:
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


ProjectRef = Annotated[
    str,
    BeforeValidator(_ref_text),
    WithJsonSchema(
        {
            "anyOf": [{"type": "string"}, {"type": "integer"}],
            "description": "project name or numeric id",
        }
    ),
]
"""A project (or other) reference: a name, or its id as a string or a JSON number."""


def numeric_id(text: str | int) -> int | None:
    """``text`` as a row id when it is one (ASCII digits, within range), else None.

    For references that are "a name or a numeric id": a number too large for the
    database, or a non-ASCII digit ('²'.isdigit() is True), is simply no id.
    """
    if isinstance(text, int):
        return text if 1 <= text <= SQL_INT_MAX else None
    text = text.strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 19:
        return None
    value = int(text)
    return value if 1 <= value <= SQL_INT_MAX else None


__all__ = ["SQL_INT_MAX", "DbId", "DbOffset", "ProjectRef", "numeric_id"]
