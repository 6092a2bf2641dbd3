"""Unknown body fields: every JSON body is checked against the route's request model
(its field names and aliases, nested models included), so a misspelt or unsupported
field answers 422 naming it instead of being silently ignored."""

from __future__ import annotations

import inspect
import types
import typing
from functools import lru_cache
from typing import Any

from pydantic import AliasChoices, BaseModel

MAX_REPORTED = 20


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    """The pydantic models an annotation holds (``X | None``, ``list[X]``, ...)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType, list, tuple, set, typing.Annotated):
        found: list[type[BaseModel]] = []
        for arg in typing.get_args(annotation):
            found += _models_in(arg)
        return found
    return []


@lru_cache(maxsize=512)
def body_models(endpoint: Any) -> tuple[type[BaseModel], ...]:
    """The request model(s) of a route function: its pydantic-model parameter, or each
    member of a union of models (a discriminated union of edit operations, say)."""
    try:
        hints = typing.get_type_hints(endpoint, include_extras=True)
    except Exception:  # a forward reference we cannot resolve: no check
        return ()
    for name in inspect.signature(endpoint).parameters:
        models = _models_in(hints.get(name))
        if models:
            return tuple(models)
    return ()


def _names(model: type[BaseModel]) -> dict[str, Any]:
    """Accepted key -> the field's annotation."""
    accepted: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        keys = {name}
        if info.alias:
            keys.add(info.alias)
        alias = info.validation_alias
        if isinstance(alias, str):
            keys.add(alias)
        elif isinstance(alias, AliasChoices):
            keys.update(c for c in alias.choices if isinstance(c, str))
        for key in keys:
            accepted[key] = info.annotation
    return accepted


def _walk(model: type[BaseModel], data: dict[str, Any], prefix: str, out: list[str]) -> None:
    if model.model_config.get("extra") == "allow":
        return
    accepted = _names(model)
    for key, value in data.items():
        if len(out) >= MAX_REPORTED:
            return
        if key not in accepted:
            out.append(prefix + key)
            continue
        inner = _models_in(accepted[key])
        if not inner:
            continue
        if isinstance(value, dict):
            out += _best_fit(inner, value, f"{prefix}{key}.")
        elif isinstance(value, list):
            for i, item in enumerate(value[:100]):
                if isinstance(item, dict):
                    out += _best_fit(inner, item, f"{prefix}{key}[{i}].")


def _best_fit(
    models: typing.Sequence[type[BaseModel]], data: dict[str, Any], prefix: str
) -> list[str]:
    """The unknown keys under the union member that knows the most of them (a body meant
    for one member of a union must not be judged against another member's fields)."""
    best: list[str] | None = None
    for model in models:
        found: list[str] = []
        _walk(model, data, prefix, found)
        if best is None or len(found) < len(best):
            best = found
        if not found:
            break
    return best or []


def unknown_fields(endpoint: Any, body: dict[str, Any]) -> list[str]:
    """The body's keys (dotted for nested ones) the route's model does not know."""
    models = body_models(endpoint)
    return _best_fit(models, body, "")[:MAX_REPORTED] if models else []


__all__ = ["body_models", "unknown_fields"]
