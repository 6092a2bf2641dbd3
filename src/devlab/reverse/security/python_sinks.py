"""Calls, attribute reads and subscripts of the Python walk: sources, sanitisers, sinks,
calls to functions of the file and of the project (the configuration rules are in
``python_config``)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from tree_sitter import Node

from devlab.reverse.security.python_templates import (
    FLASK_RENDERS,
    MARKUP_CLASSES,
    TemplateRules,
)
from devlab.reverse.security_ts_core import (
    CLI_PRESET,
    SHELL_FLAGS,
    SHELLS,
    SinkHit,
    filter_kinds,
    row,
    union,
)
from devlab.reverse.taint import Taint

if TYPE_CHECKING:
    from devlab.reverse.security.python_ts import PyAnalysis

SAFE_REDIRECT_PREFIX = re.compile(r"^(/[^/\\]|https?://[^/{%\s]+/)")
GETTERS = frozenset({"get", "pop", "getlist", "getone", "get_all", "getall"})
MUTATORS = frozenset({"append", "extend", "insert", "add", "update", "appendleft"})
BOOLEAN_METHODS = frozenset(
    {
        "startswith",
        "endswith",
        "isdigit",
        "isalnum",
        "isalpha",
        "isnumeric",
        "isdecimal",
        "isidentifier",
        "islower",
        "isupper",
        "isspace",
        "count",
        "find",
        "index",
        "exists",
        "is_file",
        "is_dir",
        "fullmatch",
        "match",
        "search",
    }
)
XML_DANGER = {"resolve_entities": True, "no_network": False, "load_dtd": True, "huge_tree": True}


class SinkRules(TemplateRules):
    """Mixed into ``PyScan``: everything that looks at a call."""

    fa: PyAnalysis
    env: dict[str, list[Taint]]
    check_nodes: dict[str, Node]  # checked expressions (python_guards), by their text

    # names ------------------------------------------------------------------------------------
    def fa_qual(self, node: Node | None) -> str | None:
        """Qualified name of a callee / attribute chain, imports resolved."""
        if node is None:
            return None
        if node.type == "identifier":
            name = self.fa.text(node)
            alias = self.fa.aliases.get(name)
            if alias is not None:
                return alias
            if name in self.local_fns or name in self.fa.functions:
                return None  # a function of this file named like a builtin (def eval(...))
            return name
        if node.type == "attribute":
            base = self.fa_qual(node.child_by_field_name("object"))
            if base is None:
                return None
            return f"{base}.{self.fa.text(node.child_by_field_name('attribute'))}"
        return None

    def is_request(self, node: Node | None) -> bool:
        if node is None:
            return False
        text = self.fa.text(node)
        return text in self.fa.model.request_names or (
            node.type == "identifier" and text.endswith("request")
        )

    def is_session(self, node: Node) -> bool:
        text = self.fa.text(node)
        return text in self.fa.model.sink("trust", "session_names") or (
            node.type == "attribute" and text.endswith(".session")
        )

    def tornado(self) -> bool:
        return any(q.startswith("tornado") for q in self.fa.aliases.values())

    # reads ------------------------------------------------------------------------------------
    def h_attribute(self, node: Node) -> list[Taint]:
        fa = self.fa
        text = fa.text(node)
        if text in self.env:
            return self.env[text]
        obj = node.child_by_field_name("object")
        attr = fa.text(node.child_by_field_name("attribute"))
        q = self.fa_qual(node)
        if q in fa.model.source_attrs:
            label = fa.model.source_attrs[q]
            return self.source(label, node, CLI_PRESET if label != "environment" else frozenset())
        if self.is_request(obj) and attr in fa.model.request_attrs:
            return self.source(f"request.{attr}", node)
        if (
            obj is not None
            and obj.type == "identifier"
            and fa.text(obj) in ("self", "cls")
            and fa.text(obj) not in self.env
            and not self.is_request(node)
            and not fa.field_is_constant(attr)
        ):
            return self.unknown()  # a field set from parameters or outside: untraced
        return self.eval(obj)

    def h_subscript(self, node: Node) -> list[Taint]:
        text = self.fa.text(node)
        if text in self.check_nodes and text in self.env:
            return self.env[text]  # the value a check guarded (request.args["q"])
        value = node.child_by_field_name("value")
        base = self.eval(value)
        sub = node.child_by_field_name("subscript")
        if sub is not None and sub.type != "slice":
            self.eval_quiet(sub)
        if value is not None and sub is not None:
            keys = self.keys.get(self.fa.text(value))
            k = self.fold(sub)
            if keys is not None and k is not self.NOTHING and k in keys:
                return keys[k]
        return base

    # calls ------------------------------------------------------------------------------------
    def h_call(self, node: Node) -> list[Taint]:
        fa = self.fa
        fn = node.child_by_field_name("function")
        pos, kw, splat = self.call_args(node.child_by_field_name("arguments"))
        q = self.vendored(self.callee(fn))
        method = (
            fa.text(fn.child_by_field_name("attribute")) if fn and fn.type == "attribute" else None
        )
        recv = fn.child_by_field_name("object") if method and fn is not None else None
        recv_t = self.eval(recv) if recv is not None else []
        if fn is not None and fn.type not in ("identifier", "attribute"):
            recv_t = self.eval(fn)
        pos_t = [self.eval(a) for a in pos]
        kw_t = {k: self.eval(v) for k, v in kw.items()}
        every: list[Taint] = []
        for t in [*pos_t, *kw_t.values()]:
            every = union(every, t)
        model = fa.model
        # sources
        if method and self.is_request(recv) and method in model.request_methods:
            return self.source(f"request.{method}()", node)
        if method in model.self_methods and recv is not None and fa.text(recv) == "self":
            return self.source(f"self.{method}()", node)
        if q in model.source_calls:
            return self.source(model.source_calls[q], node, CLI_PRESET)
        if q in model.weak_calls:
            return self.source(model.weak_calls[q], node)
        # sanitisers
        guards = model.raw["guards"]
        if (
            q in guards["normalisers"]
            and pos
            and pos[0].type == "binary_operator"
            and self.fold(pos[0].child_by_field_name("left")) == "/"  # normpath("/" + p)
        ):
            return self.sanitise(every, frozenset({"path"}), node, f"{q}('/' + ...)")
        last = (q or "").rsplit(".", 1)[-1]
        if (
            node.parent is not None
            and node.parent.type == "expression_statement"
            and last.startswith(tuple(guards["validator_prefixes"]))
        ):
            for a in pos:
                if a.type in ("identifier", "attribute"):  # validate(self.name) too
                    name = fa.text(a)
                    if name not in self.env:
                        self.env[name] = self.eval(a)
                    self.guard(name, frozenset({"all"}), node, f"{last}()")
            return []
        san = model.sanitisers.get(q or "")
        if san is None and q:  # identifier quoting by method name (connection.ops.quote_name)
            kinds = model.raw.get("sanitiser_methods", {}).get(q.rsplit(".", 1)[-1])
            san = frozenset(kinds) if kinds else None
        if san is not None and q in FLASK_RENDERS and self.flask_autoescape_off():
            san = None  # the app turned autoescaping off: the render escapes nothing
            self.template_sinks(node, q, method, recv, pos, kw, kw_t)
            return union(recv_t, every)
        if san is not None:
            return self.sanitise(union(recv_t, every), san, node, q or "")
        if q == "re.sub" and len(pos) == 3 and set(kw) <= {"flags"} and not splat:
            # re.sub(r"[^a-z0-9]", "", s): only an allow-listed alphabet is left
            pattern, repl = self.fold(pos[0]), self.fold(pos[1])
            kept = (
                filter_kinds(pattern, repl)
                if isinstance(pattern, str) and isinstance(repl, str)
                else frozenset()
            )
            if kept:
                kept |= {"exec"} if "code" in kept else set()
                return self.sanitise(pos_t[2], kept, node, "re.sub() to an allow-list")
        if method == "format" and recv is not None and self.markup_call(recv):
            # Markup("<b>{}</b>").format(x) escapes x (the template itself is checked as a sink)
            return union(recv_t, self.sanitise(every, frozenset({"xss"}), node, "Markup.format"))
        self.template_sinks(node, q, method, recv, pos, kw, kw_t)
        ctx = (q, method, recv, recv_t, pos, pos_t, kw, kw_t, splat)
        self.call_sinks(node, *ctx)
        self.call_config(node, *ctx)
        local = self.call_functions(node, fn, q, method, recv, pos_t)
        if local is not None:
            return local
        if method in BOOLEAN_METHODS:
            return []
        if method in GETTERS and recv is not None:
            text = fa.text(node)
            if text in self.check_nodes and text in self.env:
                return self.env[text]  # the value a check guarded (form.get("q"))
            keys = self.keys.get(fa.text(recv))
            k = self.fold(pos[0]) if pos else self.NOTHING
            if keys is not None and k is not self.NOTHING and k in keys:
                return keys[k]
            rest: list[Taint] = []
            for t in pos_t[1:]:
                rest = union(rest, t)
            return union(recv_t, rest)
        if method in MUTATORS and recv is not None and recv.type in ("identifier", "attribute"):
            name = fa.text(recv)
            if self.is_session(recv):
                self.sink("trust", node, every, f"sink: {name}.{method}() (session)")
            elif every:
                self.env[name] = union(self.env.get(name, []), every)
                self.keys.pop(name, None)
            return []
        return union(recv_t, every)

    def markup_call(self, n: Node) -> bool:
        """``Markup(...)`` (markupsafe / flask / jinja2): its ``%`` and ``.format`` escape."""
        return (
            n.type == "call" and self.fa_qual(n.child_by_field_name("function")) in MARKUP_CLASSES
        )

    def call_args(self, argl: Node | None) -> tuple[list[Node], dict[str, Node], bool]:
        """A call's positional arguments (splats included), keyword arguments by name,
        and whether there was a splat."""
        fa = self.fa
        pos: list[Node] = []
        kw: dict[str, Node] = {}
        splat = False
        if argl is not None and argl.type == "generator_expression":
            pos = [argl]
        elif argl is not None:
            for c in argl.named_children:
                if c.type == "keyword_argument":
                    value = c.child_by_field_name("value")  # always there (grammar)
                    if value is not None:
                        kw[fa.text(c.child_by_field_name("name"))] = value
                elif c.type in ("list_splat", "dictionary_splat"):
                    splat = True
                    pos.append(c)
                elif c.type != "comment":
                    pos.append(c)
        return pos, kw, splat

    def callee(self, fn: Node | None) -> str | None:
        """The qualified name of the callee; of a conditional one, either branch's."""
        q = self.fa_qual(fn)
        inner = fn
        while (
            inner is not None and inner.type == "parenthesized_expression" and inner.named_children
        ):
            inner = inner.named_children[0]
        if q is None and inner is not None and inner.type == "conditional_expression":
            kids = inner.named_children
            q = self.fa_qual(kids[0]) or self.fa_qual(kids[-1])  # (eval_js6 if es6 else eval_js)
        return q

    def call_functions(
        self,
        node: Node,
        fn: Node | None,
        q: str | None,
        method: str | None,
        recv: Node | None,
        pos_t: list[list[Taint]],
    ) -> list[Taint] | None:
        """A call to a function of this file (or a nested one, or a method on ``self``) or
        of another file of the project: its summary applies; None for any other call."""
        fa = self.fa
        if fn is None:
            return None
        if fn.type == "identifier":
            name = fa.text(fn)
            closure = self.local_fns.get(name)
            if closure is not None:
                return self.call_closure(closure, pos_t)
            target = fa.functions.get(name)
            if target is not None:
                return self.call_local(target, name, node, pos_t)
            imp = fa.imported.get(name)
            if imp is not None and fa.project is not None:
                where = fa.project.resolve_path(imp[0], imp[1], fa.path)
                if where is not None:  # called from here: not an untraced entry point
                    fa.project.called.add((where, imp[2]))
            if imp is not None and fa.project is not None and self.worth_following(pos_t):
                other = fa.project.resolve(imp[0], imp[1], fa.path)
                if other is None and imp[0]:  # from pkg import module; module.f()
                    return None
                if other is not None:
                    target = other.functions.get(imp[2])
                    if target is not None:
                        return self.call_project(other, target, name, node, pos_t)
            return None
        if method and recv is not None:
            rtext = fa.text(recv)
            if rtext == "self" and self.function is not None:
                cls = fa.class_of.get(self.function.id)
                target = fa.functions.get(f"{cls}.{method}") if cls else None
                if target is not None:
                    return self.call_local(target, method, node, pos_t)
            if (
                fa.project is not None
                and q
                and recv.type in ("identifier", "attribute")
                and self.worth_following(pos_t)
            ):
                mod = fa.aliases.get(rtext.split(".")[0])
                if mod is not None:
                    full = rtext.replace(rtext.split(".")[0], mod, 1)
                    other = fa.project.resolve(full, 0, fa.path)
                    if other is not None:
                        target = other.functions.get(method)
                        if target is not None:
                            return self.call_project(other, target, method, node, pos_t)
        return None

    def vendored(self, q: str | None) -> str | None:
        """``tablib.packages.yaml.load`` -> ``yaml.load``: a vendored copy of a module the
        model knows (the last two parts name an API of the tables)."""
        if not q or q.count(".") < 2:
            return q
        model = self.fa.model
        short = ".".join(q.rsplit(".", 2)[-2:])
        known = (
            short in model.sink_calls
            or short in model.sanitisers
            or short in model.sink("deser", "yaml_load")
            or short in model.sink("cmd", "shell_calls")
        )
        return short if known and q not in model.sink_calls else q

    def worth_following(self, args: list[list[Taint]]) -> bool:
        """Follow a call into another file only when untrusted data goes in (or when this
        file is itself being analysed as a callee, to chain helpers): other calls would
        parse and analyse the imported module for nothing."""
        if self.fa.dependency:
            return any(args)
        return any(t.origin not in ("param", "unknown") for ts in args for t in ts)

    def call_closure(self, fn: Node, args: list[list[Taint]]) -> list[Taint]:
        """A function nested in this one, called here: walked with the current variables
        (its closure) and the call's arguments, its sinks reported or summarised as ours."""
        fa = self.fa
        if fn.id in fa.in_progress or fa.nesting >= 8:
            return []
        fa.in_progress.add(fn.id)
        fa.nesting += 1
        try:
            scan = type(self)(fa, self.summary, fa.symbol_of(fn, self.symbol), dict(self.env))
            scan.function = fn
            scan.closure = True
            scan.enter(fn, self)
            scan.local_fns = dict(self.local_fns)
            for i, name, _node, _src in fa.params(fn):
                scan.env[name] = args[i] if i < len(args) else []
            fa.analysed.add(fn.id)
            body = fa.body(fn)
            if body is not None:
                scan.eval(body)
            return scan.returns
        finally:
            fa.nesting -= 1
            fa.in_progress.discard(fn.id)

    def call_project(
        self, other: PyAnalysis, fn: Node, name: str, call: Node, args: list[list[Taint]]
    ) -> list[Taint]:
        """Apply the summary of a function of another project file; sinks inside it are
        reported in that file, with the whole path."""
        fa = self.fa
        other.dependency = True
        other.called.add(fn.id)
        other.run()
        summary = other.summary(fn)
        line = row(call)
        code = fa.code(line)
        note = f"passed to {name}() ({other.path})"
        for hit in summary.hits:
            arg = args[hit.taint.param] if hit.taint.param < len(args) else []
            for t in arg:
                combined = Taint(
                    t.origin,
                    t.param,
                    (*t.then(line, code, note).steps, *hit.taint.steps),
                    t.sanitisers | hit.taint.sanitisers,
                )
                if combined.clean_for(hit.key) or t.origin == "unknown":
                    continue
                if t.origin == "param":
                    if self.summary is not None:
                        self.summary.hits.append(
                            SinkHit(hit.key, hit.line, hit.end, hit.note, combined, hit.symbol)
                        )
                    continue
                other.report(hit.key, combined, hit.line, hit.end, hit.note, hit.symbol)
                fa.cross_file.add(other.path)
        out: list[Taint] = []
        for r in summary.returns:
            if r.origin == "param":
                for t in args[r.param] if r.param < len(args) else []:
                    out.append(
                        Taint(
                            t.origin,
                            t.param,
                            (*t.then(line, code, note).steps, *r.steps[1:]),
                            t.sanitisers | r.sanitisers,
                        )
                    )
            elif r.origin != "unknown":
                out.append(r.then(line, code, f"returned by {name}()"))
        return union([], out) if out else []

    # sinks ------------------------------------------------------------------------------------
    def call_sinks(
        self,
        node: Node,
        q: str | None,
        method: str | None,
        recv: Node | None,
        recv_t: list[Taint],
        pos: list[Node],
        pos_t: list[list[Taint]],
        kw: dict[str, Node],
        kw_t: dict[str, list[Taint]],
        splat: bool,
    ) -> None:
        fa = self.fa
        model = fa.model
        self.table_sinks(q, method, recv, pos, pos_t, kw, kw_t)
        if q in model.sink("cmd", "shell_calls"):
            shell = kw.get("shell")
            if shell is not None and self.fold(shell) is True and pos:
                self.sink("cmd", pos[0], pos_t[0], f"sink: {q}(shell=True)")
            elif pos and pos[0].type in ("list", "tuple"):
                items = pos[0].named_children
                if items and self.fold(items[0]) in SHELLS:
                    for i, it in enumerate(items[:-1]):
                        if self.fold(it) in SHELL_FLAGS:
                            self.sink(
                                "cmd",
                                items[i + 1],
                                self.eval_quiet(items[i + 1]),
                                f"sink: {q}([shell, -c, ...])",
                            )
        flag = model.sink("deser", "pickle_flag").get(q or "")
        if flag is not None and pos:
            self.pickle_flag(node, q or "", flag, kw, pos, pos_t)
        if q in model.sink("deser", "yaml_load") and pos:
            loader = kw.get("Loader") or (pos[1] if len(pos) > 1 else None)
            if loader is None or fa.text(loader) not in model.sink("deser", "yaml_safe_loaders"):
                self.sink("deser", pos[0], pos_t[0], f"sink: {q}() with an unsafe Loader")
        if (
            method in model.sink("path", "path_methods")
            and recv is not None
            and self.is_path_object(recv)
        ):
            self.sink("path", node, recv_t, f"sink: Path.{method}()")
        upload = model.sink("path", "upload_save")
        if (
            method in upload["methods"]
            and pos
            and any(t.origin in upload["origins"] for t in recv_t)
        ):
            # an uploaded file saved where the request says (FileStorage.save(dst))
            self.sink("path", pos[0], pos_t[0], f"sink: <uploaded file>.{method}()")
        if method and recv is not None and fa.text(recv) == "self" and self.tornado():
            xss_methods = model.sink("xss", "self_methods")
            if method in xss_methods and pos and pos[0].type not in ("dictionary", "list"):
                self.sink("xss", pos[0], pos_t[0], f"sink: self.{method}() (response body)")
            redirects = model.sink("redirect", "self_methods")
            if method in redirects and pos and not self.fixed_prefix(pos[0]):
                self.sink("redirect", pos[0], pos_t[0], "sink: self.redirect()")
        if method in model.sink("trust", "signed_cookie_methods") and len(pos) > 1:
            self.sink("trust", pos[1], pos_t[1], f"sink: {method}() (signed client state)")
        self.xml_sinks(node, q, method, recv, pos, pos_t, kw)

    def not_html(self, kw: dict[str, Node]) -> bool:
        """A response built with a constant non-HTML type (``mimetype="text/plain"``,
        ``content_type="application/json"``, ``media_type=...``): no markup is read."""
        for key in ("mimetype", "content_type", "media_type"):
            v = self.fold(kw[key]) if key in kw else None
            if isinstance(v, str) and v.strip():
                low = v.lower()
                return "html" not in low and "xml" not in low and "svg" not in low
        return False

    def table_sinks(
        self,
        q: str | None,
        method: str | None,
        recv: Node | None,
        pos: list[Node],
        pos_t: list[list[Taint]],
        kw: dict[str, Node],
        kw_t: dict[str, list[Taint]],
    ) -> None:
        """The sinks of the rule table (``sink_calls`` by qualified name, else
        ``sink_methods`` by method name): each listed argument is checked."""
        fa = self.fa
        model = fa.model

        def arg(spec: int | str) -> tuple[Node | None, list[Taint]]:
            if isinstance(spec, int):
                return (pos[spec], pos_t[spec]) if spec < len(pos) else (None, [])
            return kw.get(spec), kw_t.get(spec, [])

        specs = model.sink_calls.get(q or "")
        if specs is None and method and q not in model.sink_calls:
            specs = model.sink_methods.get(method)
            if (
                specs
                and method == "search"
                and (
                    recv is None
                    or not model.ldap_receivers.search(fa.text(recv))
                    or (q or "").startswith("re.")
                )
            ):
                specs = None
        label = q or method or "call"
        if kind_blocked := self.hardened(q):
            specs = [sp for sp in specs or [] if sp[0] != kind_blocked]
        for kind, args in specs or []:
            for spec in args:
                n, taints = arg(spec)
                if n is None:
                    continue
                if kind in ("redirect", "ssrf") and self.fixed_prefix(n):
                    continue
                if kind == "xss" and (n.type in ("dictionary", "list") or self.not_html(kw)):
                    continue
                # compile() runs nothing: a parameter (often an AST) is judged where the
                # code object is run, only traced input is reported here
                quiet = label in model.raw["sinks"][kind].get("quiet_untraced", ())
                self.sink(
                    kind, n, taints, f"sink: {label}()", constant=kind in ("code", "exec"),
                    quiet=quiet,
                )  # fmt: skip

    def hardened(self, q: str | None) -> str | None:
        """The sink kind an API loses when the module hardens it (js2py.disable_pyimport)."""
        if not q:
            return None
        fa = self.fa
        if fa.hardened is None:  # once per file: a search of the whole text
            fa.hardened = frozenset(
                mod
                for mod, call in fa.model.sink("code", "hardening").items()
                if call.encode() + b"(" in fa.src
            )
        if any(q.startswith(mod + ".") for mod in fa.hardened):
            return "exec"
        return None

    def pickle_flag(
        self,
        node: Node,
        q: str,
        flag: str,
        kw: dict[str, Node],
        pos: list[Node],
        pos_t: list[list[Taint]],
    ) -> None:
        """``numpy.load(allow_pickle=...)`` / ``torch.load(weights_only=...)``: unpickles
        when the flag says so (a ``self`` attribute set from a constructor default too)."""
        v = kw.get(flag)
        if v is None:
            return
        value = self.fold(v)
        how = ""
        if value is self.NOTHING and v.type == "attribute" and self.fa.text(v).startswith("self."):
            value = self.fa.self_defaults().get(self.fa.text(v)[5:], self.NOTHING)
            how = f" ({self.fa.text(v)} is {value} by default)"
        unpickles = value is True if flag == "allow_pickle" else value is False
        if unpickles:
            self.sink("deser", pos[0], pos_t[0], f"sink: {q}({flag}={value}){how}")

    def xml_sinks(
        self,
        node: Node,
        q: str | None,
        method: str | None,
        recv: Node | None,
        pos: list[Node],
        pos_t: list[list[Taint]],
        kw: dict[str, Node],
    ) -> None:
        fa = self.fa
        cfg = fa.model.config
        xxe = self.flags.setdefault("xxe", set())
        if q in cfg("xml_parse_calls") and pos:
            parser = kw.get("parser") or (pos[1] if len(pos) > 1 else None)
            if parser is not None and parser.type == "identifier":
                self.default_parser_use(fa.text(parser), pos_t[0])
            if parser is not None and self.dangerous_parser(parser):
                self.sink(
                    "xxe",
                    pos[0],
                    pos_t[0],
                    f"sink: {q}() with a parser that resolves external entities",
                )
        if method and recv is not None and recv.type == "identifier":
            name = fa.text(recv)
            if method == "setFeature" and len(pos) > 1:
                feat = fa.text(pos[0]).rsplit(".", 1)[-1]
                if feat in {f.rsplit(".", 1)[-1] for f in cfg("external_entity_features")}:
                    if self.fold(pos[1]) is True:
                        xxe.add(name)
                    else:
                        xxe.discard(name)
            elif method in ("parse", "feed", "parseString") and name in xxe and pos:
                self.sink(
                    "xxe", pos[0], pos_t[0], f"sink: {name}.{method}() (external entities on)"
                )

    def default_parser_use(self, name: str, doc: list[Taint]) -> None:
        """An lxml parser built without ``resolve_entities`` (lxml before 5.0 resolves
        entities by default) parsing a document that is not constant: remembered, and
        reported at the parser's construction at the end of the file (``finish``)."""
        fa = self.fa
        if name not in fa.xml_default or name in fa.xml_default_used:
            return
        live = [t for t in doc if not t.clean_for("xxe")]
        if live:
            src = next((t for t in live if t.origin not in ("param", "unknown")), None)
            fa.xml_default_used[name] = f"a document from {src.origin}" if src else (
                "a document of untraced origin (a parameter or a field)"
            )  # fmt: skip

    def dangerous_parser(self, parser: Node) -> bool:
        if parser.type == "identifier":
            return self.fa.text(parser) in self.flags.get("xxe", set())
        if parser.type == "call":
            q = self.fa_qual(parser.child_by_field_name("function"))
            if q in self.fa.model.config("xml_parsers"):
                return self.xml_parser_danger(parser)
        return False

    def xml_parser_danger(self, call: Node) -> bool:
        """An lxml parser built with entity resolution or network access switched on."""
        argl = call.child_by_field_name("arguments")
        kws = {}
        for c in argl.named_children if argl is not None else []:
            if c.type == "keyword_argument":
                kws[self.fa.text(c.child_by_field_name("name"))] = self.fold(
                    c.child_by_field_name("value")
                )
        if kws.get("resolve_entities") is False:
            return kws.get("no_network") is False
        return any(kws.get(k) is v for k, v in XML_DANGER.items())

    def resolves_by_default(self, call: Node) -> bool:
        """An lxml parser whose call does not set ``resolve_entities`` at all."""
        argl = call.child_by_field_name("arguments")
        return not any(
            c.type == "keyword_argument"
            and self.fa.text(c.child_by_field_name("name")) == "resolve_entities"
            for c in (argl.named_children if argl is not None else [])
        ) and not any(c.type == "dictionary_splat" for c in (argl.named_children if argl else []))

    def is_path_object(self, recv: Node) -> bool:
        if recv.type == "call":
            q = self.fa_qual(recv.child_by_field_name("function"))
            return q in self.fa.model.sink("path", "path_objects")
        if recv.type == "binary_operator":
            left = recv.child_by_field_name("left")
            return left is not None and self.is_path_object(left)
        return self.fa.text(recv) in self.flags.get("pathobj", set())

    def note_value(self, name: str, value: Node) -> None:
        """Remember what a variable holds for later calls on it."""
        v = value
        while v.type in ("parenthesized_expression", "await") and v.named_children:
            v = v.named_children[0]
        if v.type == "call":
            q = self.fa_qual(v.child_by_field_name("function"))
            if q in self.fa.model.config("xml_parsers") and self.xml_parser_danger(v):
                self.flags.setdefault("xxe", set()).add(name)
            elif q in self.fa.model.config("xml_parsers") and self.resolves_by_default(v):
                self.fa.xml_default.setdefault(name, v)
            if q in self.fa.model.config("sax_parsers"):
                self.flags.setdefault("sax", set()).add(name)
        if self.is_path_object(v):
            self.flags.setdefault("pathobj", set()).add(name)
        guards = self.fa.model.raw["guards"]
        if v.type == "call":
            fn = v.child_by_field_name("function")
            q = self.fa_qual(fn) or ""
            last = self.fa.text(fn).rsplit(".", 1)[-1] if fn is not None else ""
            if q in guards["normalisers"] or last in guards["normalisers"]:
                self.flags.setdefault("normal", set()).add(name)
            argl = v.child_by_field_name("arguments")
            args = argl.named_children if argl is not None else []
            if q in guards["url_parsers"] and args and args[0].type == "identifier":
                self.parsed_from[name] = self.fa.text(args[0])

    def leading_text(self, n: Node | None, depth: int = 0) -> str:
        """The constant text a string-building expression starts with."""
        if n is None or depth > 20:
            return ""
        if n.type == "string":
            out = ""
            for c in n.named_children:
                if c.type == "string_content":
                    out += self.fa.text(c)
                elif c.type == "interpolation":
                    break
            return out
        if n.type == "binary_operator":
            op = self.fa.text(n.child_by_field_name("operator"))
            left = self.leading_text(n.child_by_field_name("left"), depth + 1)
            return left.split("%", 1)[0] if op == "%" else left if op == "+" else ""
        if n.type == "call":
            fn = n.child_by_field_name("function")
            if fn is not None and fn.type == "attribute":
                attr = self.fa.text(fn.child_by_field_name("attribute"))
                if attr == "format":
                    return self.leading_text(fn.child_by_field_name("object"), depth + 1).split(
                        "{", 1
                    )[0]
        if n.type == "parenthesized_expression" and n.named_children:
            return self.leading_text(n.named_children[0], depth + 1)
        if n.type == "identifier":
            v = self.consts.get(self.fa.text(n))
            return v if isinstance(v, str) else ""
        return ""

    def fixed_prefix(self, n: Node) -> bool:
        """A URL whose start fixes the host: ``/path...`` or ``https://host/`` as text, or
        a first part that carries no untrusted data (``base_url + ...``,
        ``"".join([path, ...])`` with ``path`` proven rooted)."""
        if SAFE_REDIRECT_PREFIX.match(self.leading_text(n)):
            return True
        first = self.first_part(n)
        if first is None or first.type == "string" or self.fold(first) is not self.NOTHING:
            return False
        taints = self.eval_quiet(first)  # a field (self.base_url) is no user's data
        return all(t.clean_for("redirect") or t.origin == "unknown" for t in taints)

    def first_part(self, n: Node | None, depth: int = 0) -> Node | None:
        """The expression a built URL starts with (None: the whole value is one part)."""
        if n is None or depth > 10:
            return None
        if n.type == "identifier" and self.fa.text(n) in self.value_nodes:
            return self.first_part(self.value_nodes[self.fa.text(n)], depth + 1)
        if n.type == "binary_operator" and self.fa.text(n.child_by_field_name("operator")) == "+":
            left = n.child_by_field_name("left")
            return self.first_part(left, depth + 1) or left
        if n.type == "call":
            fn = n.child_by_field_name("function")
            argl = n.child_by_field_name("arguments")
            args = argl.named_children if argl is not None else []
            if (
                fn is not None
                and fn.type == "attribute"
                and args
                and self.fa.text(fn.child_by_field_name("attribute")) == "join"
                and args[0].type in ("list", "tuple")
                and args[0].named_children
            ):
                return args[0].named_children[0]
            if (self.fa_qual(fn) or "").rsplit(".", 1)[-1] in ("url_concat", "urljoin") and args:
                return args[0]
        return None

    def route_return(self, value: Node, taints: list[Taint]) -> None:
        """Flask sends a returned ``str`` as text/html: tainted text built into it is XSS."""
        if not self.route or not taints:
            return
        if not any(q == "flask" or q.startswith("flask.") for q in self.fa.aliases.values()):
            return
        if value.type in ("string", "binary_operator", "concatenated_string"):
            self.sink("xss", value, taints, "sink: returned as the response body (text/html)")

    NOTHING: Any = None  # set below to python_scan.NOTHING
