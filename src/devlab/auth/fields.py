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
def body_model(endpoint: Any) -> type[BaseModel] | None:
    """The request model of a route function (its pydantic-model parameter)."""
    try:
        hints = typing.get_type_hints(endpoint)
    except Exception:  # a forward reference we cannot resolve: no check
        return None
    for name in inspect.signature(endpoint).parameters:
        models = _models_in(hints.get(name))
        if models:
            return models[0]
    return None


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
            _walk(inner[0], value, f"{prefix}{key}.", out)
        elif isinstance(value, list):
            for i, item in enumerate(value[:100]):
                if isinstance(item, dict):
                    _walk(inner[0], item, f"{prefix}{key}[{i}].", out)


def unknown_fields(endpoint: Any, body: dict[str, Any]) -> list[str]:
    """The body's keys (dotted for nested ones) the route's model does not know."""
    model = body_model(endpoint)
    if model is None:
        return []
    found: list[str] = []
    _walk(model, body, "", found)
    return found


__all__ = ["body_model", "unknown_fields"]
