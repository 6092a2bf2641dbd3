"""The Python taint model as data: ``tables/python.json`` (sources, sinks, sanitisers,
guards, configuration APIs), loaded and checked once by ``devlab.reverse.security_tables``
(the schema every language's table follows).

The tables have the shape Semgrep and CodeQL use for their models: an API name (fully
qualified after import resolution, or a method name on any receiver) mapped to a
category and the argument positions / keywords that matter. Changing what counts as a
source, a sink or a sanitiser is a change to the JSON file, not to the engine.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from devlab.reverse.security_tables import KNOWN_KINDS, load_table

ALL_MARKER = frozenset({"all"})


@dataclass(frozen=True)
class PythonModel:
    """The loaded tables, with the lookups the engine needs precomputed."""

    raw: dict[str, Any]
    request_names: frozenset[str]
    request_attrs: frozenset[str]
    request_methods: frozenset[str]
    self_methods: frozenset[str]
    route_decorators: frozenset[str]
    not_input_params: frozenset[str]
    source_calls: dict[str, str]
    weak_calls: dict[str, str]
    source_attrs: dict[str, str]
    sink_calls: dict[str, list[tuple[str, list[int | str]]]]  # api -> [(kind, args)]
    sink_methods: dict[str, list[tuple[str, list[int | str]]]]
    sanitisers: dict[str, frozenset[str]]
    ldap_receivers: re.Pattern[str]

    def sink(self, section: str, key: str) -> Any:
        return self.raw["sinks"][section][key]

    def config(self, key: str) -> Any:
        return self.raw["config"][key]

    def guard(self, key: str) -> frozenset[str]:
        return frozenset(self.raw["guards"][key])


@lru_cache(maxsize=1)
def python_model() -> PythonModel:
    """The Python tables (read once per process)."""
    table = load_table("python")
    raw = table.raw
    src = raw["sources"]
    calls: dict[str, list[tuple[str, list[int | str]]]] = {}
    methods: dict[str, list[tuple[str, list[int | str]]]] = {}
    for kind, spec in raw["sinks"].items():
        for api, args in spec.get("calls", {}).items():
            calls.setdefault(api, []).append((kind, list(args)))
        for name, args in spec.get("methods", {}).items():
            methods.setdefault(name, []).append((kind, list(args)))
    return PythonModel(
        raw=raw,
        request_names=frozenset(src["request_names"]),
        request_attrs=frozenset(src["request_attrs"]),
        request_methods=frozenset(src["request_methods"]),
        self_methods=frozenset(src["self_methods"]),
        route_decorators=frozenset(src["route_decorators"]),
        not_input_params=frozenset(src["not_input_params"]),
        source_calls=dict(src["calls"]),
        weak_calls=dict(src["weak_calls"]),
        source_attrs=dict(src["attributes"]),
        sink_calls=calls,
        sink_methods=methods,
        # "*" (every category) is the engine's {"all"} marker
        sanitisers={
            k: ALL_MARKER if v == KNOWN_KINDS else v for k, v in table.kinds("sanitisers").items()
        },
        ldap_receivers=re.compile(table.text("sinks.ldap.receivers"), re.I),
    )
