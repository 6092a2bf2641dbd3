"""JavaScript / TypeScript scan, first layer: its state and the reads of sources.

``JSScanBase`` holds what the walk of one function body remembers besides the core's
variables (weak digests, ``Function`` holders, regex literals, plain-text responses,
stores under property paths, promise-chain records) and reads identifiers and
members: request data (Express, Koa, ``process.argv``/``env``), DOM input, message
event data, React ``this.props``/``this.state`` and archive entry names.

The scan is one class built in layers, each module one concern, each layer calling only
itself and the layers below: base -> config rules -> guards and promise chains -> sinks
-> calls -> statements (``security_ts_js.JSScan``).
"""

from __future__ import annotations

from tree_sitter import Node

from devlab.reverse.security_ts_core import (
    ALL_KINDS,
    CLI_PRESET,
    CLIENT_PRESET,
    FileAnalysis,
    Scan,
    Summary,
    words,
)
from devlab.reverse.security_ts_js_names import JSAnalysis
from devlab.reverse.security_ts_js_tables import (
    ARCHIVE_ENTRIES,
    ARCHIVE_NAME_PROPS,
    ARCHIVE_ORIGIN,
    CLEAN_PROPS,
    DOM_SOURCES,
    EVENT_NAMES,
    JS_GLOBALS,
    KOA_PROPS,
    REQ_PROPS,
    STMT_TYPES,
    on_path,
)
from devlab.reverse.taint import Taint

__all__ = ["JSScanBase"]


class JSScanBase(Scan):
    """The walk of one JS/TS function body: state and sources."""

    fa: JSAnalysis

    context_types = STMT_TYPES
    literals = words(
        "string number true false null undefined regex comment string_fragment "
        "escape_sequence hash_bang_line statement_identifier property_identifier "
        "private_property_identifier html_comment jsx_text this super update_expression "
        "meta_property"
    )
    skip = words(
        "type_annotation type_arguments type_parameters interface_declaration "
        "type_alias_declaration ambient_declaration import_statement predefined_type "
        "type_identifier decorator empty_statement debugger_statement break_statement "
        "continue_statement accessibility_modifier override_modifier "
        "abstract_method_signature method_signature index_signature jsx_closing_element "
        "module internal_module"
    )
    block_types = frozenset({"statement_block"})

    def __init__(
        self,
        fa: FileAnalysis,
        summary: Summary | None,
        symbol: str | None,
        env: dict[str, list[Taint]],
    ) -> None:
        super().__init__(fa, summary, symbol, env)
        self.digests: dict[str, str] = {}  # variable -> weak hash algorithm
        self.code_ctors: set[str] = set()  # variables holding Function (or its async twin)
        self.regexes: dict[str, str] = {}  # variable -> the regex literal it holds
        # variable -> (syntax, source, noEscape) of the literal template it was compiled from
        self.templates: dict[str, tuple[str, str, bool]] = {}
        self.plain_responses: set[str] = set()  # res objects given a non-HTML content type
        # object -> taint key -> the property paths it was stored under (``q.yaml = v``):
        # a read of another property (``q.root``) does not see it
        self.stored: dict[str, dict[tuple[str, int, frozenset[str]], set[str]]] = {}
        # promise chain link (call node id) -> this function's variables as its callback
        # left them, for the chain's later links
        self.chains: dict[int, dict[str, list[Taint]]] = {}

    # names ---------------------------------------------------------------------------------
    def h_ident(self, node: Node) -> list[Taint]:
        name = self.fa.text(node)
        t = self.env.get(name)
        if t is not None:
            return t
        if name in JS_GLOBALS or name in self.fa.aliases or name in self.fa.functions:
            return []
        return self.unknown()

    def h_member(self, node: Node) -> list[Taint]:
        fa = self.fa
        obj = node.child_by_field_name("object")
        prop = fa.text(node.child_by_field_name("property"))
        key = fa.text(node)
        if len(key) < 80 and key in self.env:
            return self.env[key]  # assigned, or guarded by a check (guard_root)
        found = self.member_source(obj, prop)
        if found:
            return self.source(found[0], node, found[1])
        t = self.eval(obj)
        if prop in CLEAN_PROPS:
            return []
        if obj is not None and obj.type == "this":
            return self.unknown()
        return self.other_fields_dropped(node, key, t)

    def other_fields_dropped(self, node: Node, key: str, t: list[Taint]) -> list[Taint]:
        """``q.yaml = v`` taints the object ``q`` as a whole (passed on, spread, indexed)
        but not a read of another property ``q.root``: drop the taints that reached the
        object only through stores under other property paths."""
        root: Node | None = node
        while root is not None and root.type in ("member_expression", "subscript_expression"):
            root = root.child_by_field_name("object")
        if root is None or root.type != "identifier" or not t:
            return t
        stored = self.stored.get(self.fa.text(root))
        if not stored:
            return t
        return [
            x
            for x in t
            if (paths := stored.get((x.origin, x.param, x.sanitisers))) is None
            or any(on_path(p, key) or on_path(key, p) for p in paths)
        ]

    def bind(self, name: str, taints: list[Taint], node: Node, dynamic: bool = False) -> None:
        super().bind(name, taints, node, dynamic)
        stored = self.stored.get(name)
        if stored is None:
            return
        if self.cond == 0:
            del self.stored[name]  # a new object: no stores under it yet
        else:
            for x in taints:  # the object itself may now carry these
                stored.pop((x.origin, x.param, x.sanitisers), None)

    def member_source(self, obj: Node | None, prop: str) -> tuple[str, frozenset[str]] | None:
        """(label, sink kinds it cannot reach) when ``obj.prop`` reads untrusted input."""
        if obj is None:
            return None
        fa = self.fa
        o = fa.text(obj) if obj.type in ("identifier", "member_expression", "this") else ""
        if not o or len(o) > 40:
            return None
        server: frozenset[str] = frozenset()
        if o in fa.req_names:
            return (f"{o}.{prop}", server) if prop in REQ_PROPS else None
        if o in ("ctx.request", "ctx.req") and prop in REQ_PROPS | KOA_PROPS:
            return f"{o}.{prop}", server
        if o == "ctx" and prop in KOA_PROPS and prop != "body":
            # ctx.body is Koa's *response* body; the request's is ctx.request.body
            return f"ctx.{prop}", server
        if o == "process" and prop in ("argv", "env"):
            return f"process.{prop}", CLI_PRESET
        props = DOM_SOURCES.get(o)
        if props is not None and prop in props:
            return f"{o}.{prop}", CLIENT_PRESET
        if prop in ARCHIVE_NAME_PROPS and (
            prop == "entryName" or (fa.archive and o in ARCHIVE_ENTRIES)
        ):
            return ARCHIVE_ORIGIN, ALL_KINDS - {"path"}
        if o in EVENT_NAMES and prop == "data":
            return "message event data", CLIENT_PRESET
        if o in ("this.props", "this.state"):
            return o, CLIENT_PRESET
        return None

    def h_subscript(self, node: Node) -> list[Taint]:
        obj = node.child_by_field_name("object")
        self.eval(node.child_by_field_name("index"))
        return self.eval(obj)
