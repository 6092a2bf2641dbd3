"""DevLab's own Python security rules: intra-procedural taint analysis over ``ast``,
with cheap summaries for calls to functions defined in the same file.

Model
-----
* A value carries zero or more ``Taint``s. A taint has an origin (a real *source*:
  request data, argv, env, stdin, input(), file reads; or a *parameter* of the function
  being summarised), the ``TaintStep``s it took, and the sanitiser kinds it passed.
* Propagation: assignment (incl. tuple unpacking, augmented assignment, walrus,
  ``for``/``with`` targets, comprehensions), f-strings, ``%``, ``+``, ``.format``,
  ``str()``, list/tuple/set/dict displays, attribute access and method calls on a
  tainted object, and calls to unknown functions (conservative: the result of an
  unknown call carries its arguments' taint). Branches are merged (tainted on any path).
* Sanitisers are per sink kind: ``shlex.quote`` (command), ``os.path.basename`` /
  ``secure_filename`` (path), ``html.escape`` / ``markupsafe.escape`` / ``bleach.clean``
  (XSS), ``escape_filter_chars`` (LDAP), ``normpath("/" + p).lstrip("/")`` (path: it
  cannot climb out of a base directory); ``int()`` / ``float()`` / ``bool()`` / ``len()``
  sanitise for every sink. Parameterised queries are clean because the parameters are
  not part of the query argument.
* Calls to functions of the same file use a summary computed once per function
  (parameters symbolic): which parameters reach which sinks, and what the return value
  carries. A caller passing its own parameter on extends its own summary (reported only
  where a real source enters); sanitised arguments are not reported. Route handlers
  (``@app.get``/``@router.post``/``@app.route``...) get their parameters as sources
  instead, and so does ``environ`` in a WSGI callable ``(environ, start_response)``.
  Tornado handlers' ``self.get_argument()`` & co. are sources, ``self.redirect()`` a sink.

Reporting policy (per sink evaluation; ``sink_status`` keeps the strongest per line+CWE)
-----------------------------------------------------------------------------------
* ``tainted``: an unsanitised source reaches the sink -> the rule's severity, confidence
  high (medium when the source is env or a file read, which are less attacker-controlled),
  with the taint path.
* ``unknown``: a non-constant value of untraced origin -> reported at low severity / low
  confidence only for rules where the sink alone is dangerous (shell commands, eval/exec,
  SQL built from strings at the call, deserialisation at medium); not reported for the
  others (open(), requests.get(), redirect() of plain variables are everywhere).
* ``sanitised`` / ``constant``: not reported by these rules; a bandit finding on the same
  line and CWE is downgraded to low/low by ``security_python`` with a note.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field

from devlab.reverse.models import Confidence, Finding, Severity, TaintStep

STATUS_RANK = {"constant": 0, "benign": 1, "sanitised": 2, "unknown": 3, "tainted": 4}

# sources -------------------------------------------------------------------------------
REQUEST_ATTRS = {
    # Flask / Werkzeug / Starlette
    "args",
    "form",
    "values",
    "json",
    "cookies",
    "headers",
    "files",
    "data",
    "get_json",
    "get_data",
    "stream",
    "view_args",
    "query_string",
    "query_params",
    "path_params",
    "body",
    "full_path",
    "url",
    "path",
    "raw_path",
    # Tornado / aiohttp
    "uri",
    "query",
    "arguments",
    "query_arguments",
    "body_arguments",
    # Django
    "GET",
    "POST",
    "COOKIES",
    "META",
    "FILES",
    "REQUEST",
    "path_info",
    "get_full_path",
}
# Tornado RequestHandler accessors of request data (called on self)
HANDLER_SOURCE_METHODS = {
    "get_argument",
    "get_arguments",
    "get_query_argument",
    "get_query_arguments",
    "get_body_argument",
    "get_body_arguments",
    "get_cookie",
}
ROUTE_DECORATORS = {
    "get",
    "post",
    "put",
    "delete",
    "patch",
    "head",
    "options",
    "route",
    "api_route",
    "websocket",
}
NOT_TAINTED_PARAMS = {"self", "cls", "db", "session", "background_tasks", "response"}
WEAK_SOURCES = {"os.environ", "os.getenv", "file read"}

# sanitisers: qualified name -> sink kinds it neutralises ("all" = every sink)
SANITISERS: dict[str, frozenset[str]] = {
    "shlex.quote": frozenset({"cmd"}),
    "pipes.quote": frozenset({"cmd"}),
    "int": frozenset({"all"}),
    "float": frozenset({"all"}),
    "bool": frozenset({"all"}),
    "len": frozenset({"all"}),
    "uuid.UUID": frozenset({"all"}),
    "os.path.basename": frozenset({"path"}),
    "werkzeug.utils.secure_filename": frozenset({"path"}),
    "secure_filename": frozenset({"path"}),
    "html.escape": frozenset({"xss"}),
    "markupsafe.escape": frozenset({"xss"}),
    "flask.escape": frozenset({"xss"}),
    "django.utils.html.escape": frozenset({"xss"}),
    "bleach.clean": frozenset({"xss"}),
    "ldap.filter.escape_filter_chars": frozenset({"ldap"}),
    "ldap3.utils.conv.escape_filter_chars": frozenset({"ldap"}),
    "escape_filter_chars": frozenset({"ldap"}),
}
CRED_NAME = re.compile(
    r"(pass(word|wd)?|pwd|secret|token|api_?key|access_?key|private_?key|auth_?key|credential)",
    re.I,
)
CRED_NOT = re.compile(
    r"(_field|_name|_url|_path|_file|_header|_param|_env|_var|_length|_len)$", re.I
)
RANDOM_SECRET_NAME = re.compile(
    r"(token|secret|pass(word)?|nonce|salt|otp|api_?key|session_?id|reset|csrf)", re.I
)
PASSWORDISH = re.compile(r"(pass(word|wd)?|pwd)", re.I)
REDACTED = re.compile(r"^<REDACTED:[^>]*>$")


@dataclass(frozen=True)
class Rule:
    rule_id: str
    kind: str  # sanitiser kind
    cwe: str
    title: str
    severity: Severity
    fix: str
    unknown: Severity | None = None  # severity when the origin is untraced (None: skip)


RULES = {
    "cmd": Rule(
        "DL-PY-CMDI",
        "cmd",
        "CWE-78",
        "OS command injection",
        "critical",
        "Pass the command as a list without shell=True, or quote each untrusted "
        "part with shlex.quote().",
        "low",
    ),
    "eval": Rule(
        "DL-PY-CODEI",
        "code",
        "CWE-95",
        "Code injection (eval)",
        "critical",
        "Never eval untrusted data; use ast.literal_eval() or json.loads().",
        "low",
    ),
    "exec": Rule(
        "DL-PY-CODEI",
        "code",
        "CWE-94",
        "Code injection (exec/compile)",
        "critical",
        "Never execute untrusted code; map inputs to a fixed set of operations.",
        "low",
    ),
    "sql": Rule(
        "DL-PY-SQLI",
        "sql",
        "CWE-89",
        "SQL injection",
        "high",
        "Use a parameterised query: pass the values separately, e.g. "
        "cursor.execute('... WHERE id = %s', (value,)).",
        "low",
    ),
    "path": Rule(
        "DL-PY-PATH",
        "path",
        "CWE-22",
        "Path traversal",
        "high",
        "Reduce the name with werkzeug.utils.secure_filename()/os.path.basename(), "
        "or resolve the path and check it stays under the base directory.",
    ),
    "deser": Rule(
        "DL-PY-DESER",
        "deser",
        "CWE-502",
        "Unsafe deserialisation",
        "critical",
        "Do not unpickle/unmarshal untrusted data; use json, or yaml.safe_load().",
        "medium",
    ),
    "ssrf": Rule(
        "DL-PY-SSRF",
        "ssrf",
        "CWE-918",
        "Server-side request forgery",
        "high",
        "Check the URL's scheme and host against an allow-list before fetching.",
    ),
    "redirect": Rule(
        "DL-PY-REDIRECT",
        "redirect",
        "CWE-601",
        "Open redirect",
        "medium",
        "Redirect only to relative paths or allow-listed hosts (e.g. Django's "
        "url_has_allowed_host_and_scheme()).",
    ),
    "xss": Rule(
        "DL-PY-XSS",
        "xss",
        "CWE-79",
        "Cross-site scripting",
        "high",
        "Let the template engine escape the value; escape with markupsafe.escape() "
        "before Markup()/mark_safe(); never render_template_string() user data.",
    ),
    "xxe": Rule(
        "DL-PY-XXE",
        "xxe",
        "CWE-611",
        "XML external entities",
        "high",
        "Parse untrusted XML with defusedxml (defusedxml.ElementTree.fromstring).",
    ),
    "ldap": Rule(
        "DL-PY-LDAPI",
        "ldap",
        "CWE-90",
        "LDAP injection",
        "high",
        "Escape values with ldap.filter.escape_filter_chars() before building filters.",
    ),
    "xpath": Rule(
        "DL-PY-XPATHI",
        "xpath",
        "CWE-643",
        "XPath injection",
        "high",
        "Use XPath variables: tree.xpath('//user[@name=$name]', name=value).",
    ),
    "trust": Rule(
        "DL-PY-TRUST",
        "trust",
        "CWE-501",
        "Trust boundary violation",
        "medium",
        "Validate the value before storing it in the session.",
    ),
}

# sinks: qualified name -> (rule key, argument index, keyword name)
CALL_SINKS: dict[str, tuple[str, int, str]] = {
    "os.system": ("cmd", 0, "command"),
    "os.popen": ("cmd", 0, "cmd"),
    "subprocess.getoutput": ("cmd", 0, "cmd"),
    "subprocess.getstatusoutput": ("cmd", 0, "cmd"),
    "eval": ("eval", 0, "source"),
    "exec": ("exec", 0, "source"),
    "compile": ("exec", 0, "source"),
    "sqlalchemy.text": ("sql", 0, "text"),
    "sqlalchemy.sql.text": ("sql", 0, "text"),
    "sqlalchemy.sql.expression.text": ("sql", 0, "text"),
    "open": ("path", 0, "file"),
    "io.open": ("path", 0, "file"),
    "codecs.open": ("path", 0, "filename"),
    "flask.send_file": ("path", 0, "path_or_file"),
    "os.remove": ("path", 0, "path"),
    "os.unlink": ("path", 0, "path"),
    "shutil.rmtree": ("path", 0, "path"),
    "pickle.loads": ("deser", 0, "data"),
    "pickle.load": ("deser", 0, "file"),
    "cPickle.loads": ("deser", 0, "data"),
    "dill.loads": ("deser", 0, "str"),
    "marshal.loads": ("deser", 0, "bytes"),
    "marshal.load": ("deser", 0, "file"),
    "shelve.open": ("deser", 0, "filename"),
    "jsonpickle.decode": ("deser", 0, "string"),
    "yaml.unsafe_load": ("deser", 0, "stream"),
    "urllib.request.urlopen": ("ssrf", 0, "url"),
    "urllib.request.Request": ("ssrf", 0, "url"),
    "flask.redirect": ("redirect", 0, "location"),
    "django.shortcuts.redirect": ("redirect", 0, "to"),
    "django.http.HttpResponseRedirect": ("redirect", 0, "redirect_to"),
    "fastapi.responses.RedirectResponse": ("redirect", 0, "url"),
    "starlette.responses.RedirectResponse": ("redirect", 0, "url"),
    "markupsafe.Markup": ("xss", 0, "base"),
    "flask.Markup": ("xss", 0, "base"),
    "flask.render_template_string": ("xss", 0, "source"),
    "django.utils.safestring.mark_safe": ("xss", 0, "s"),
    "jinja2.Template": ("xss", 0, "source"),
    "lxml.etree.XPath": ("xpath", 0, "path"),
    "lxml.etree.ETXPath": ("xpath", 0, "path"),
}
for _lib in ("requests", "httpx"):
    for _m in ("get", "post", "put", "delete", "patch", "head", "options", "stream"):
        CALL_SINKS[f"{_lib}.{_m}"] = ("ssrf", 0, "url")
    CALL_SINKS[f"{_lib}.request"] = ("ssrf", 1, "url")
for _mod in ("xml.etree.ElementTree", "xml.etree.cElementTree", "lxml.etree"):
    for _f in ("fromstring", "XML", "parse", "iterparse", "fromstringlist"):
        CALL_SINKS[f"{_mod}.{_f}"] = ("xxe", 0, "source")
for _f in ("parse", "parseString"):
    CALL_SINKS[f"xml.dom.minidom.{_f}"] = ("xxe", 0, "string")
    CALL_SINKS[f"xml.dom.pulldom.{_f}"] = ("xxe", 0, "string")
    CALL_SINKS[f"xml.sax.{_f}"] = ("xxe", 0, "source")
SUBPROCESS = {
    "subprocess.call",
    "subprocess.run",
    "subprocess.Popen",
    "subprocess.check_call",
    "subprocess.check_output",
    "asyncio.create_subprocess_shell",
}
SQL_METHODS = {"execute", "executemany", "executescript", "raw", "extra"}
HTTP_CLIENT_METHODS = {"get", "post", "put", "delete", "patch", "head", "request"}
SOURCE_CALLS = {
    "input": "input()",
    "raw_input": "input()",
    "os.getenv": "os.getenv",
    "os.environ.get": "os.environ",
}
SOURCE_NAMES = {
    "sys.argv": "sys.argv",
    "os.environ": "os.environ",
    "sys.stdin": "sys.stdin",
    "os.environb": "os.environ",
}


@dataclass(frozen=True)
class Taint:
    origin: str  # source label, or "param"
    param: int = -1
    steps: tuple[TaintStep, ...] = ()
    sanitisers: frozenset[str] = frozenset()

    def then(self, line: int, code: str, note: str) -> Taint:
        if self.steps and self.steps[-1].line == line and self.steps[-1].note == note:
            return self
        return Taint(
            self.origin,
            self.param,
            (*self.steps, TaintStep(line=line, code=code, note=note)),
            self.sanitisers,
        )

    def clean_for(self, kind: str) -> bool:
        return "all" in self.sanitisers or kind in self.sanitisers


@dataclass
class SinkHit:
    rule: str
    sink_line: int
    sink_end: int
    sink_note: str
    taint: Taint  # param-origin
    symbol: str | None


@dataclass
class Summary:
    hits: list[SinkHit] = field(default_factory=list)
    returns: list[Taint] = field(default_factory=list)


def _merge(*groups: list[Taint]) -> list[Taint]:
    out: dict[tuple, Taint] = {}
    for g in groups:
        for t in g:
            out.setdefault((t.origin, t.param, t.sanitisers), t)
    return list(out.values())[:6]


class FileTaintAnalysis:
    """Analyse one parsed file: ``findings`` and ``sink_status`` after ``run()``."""

    def __init__(self, path: str, text: str, tree: ast.Module) -> None:
        self.path, self.tree = path, tree
        self.lines = text.splitlines()
        self.aliases: dict[str, str] = {}
        self.functions: dict[str, ast.FunctionDef | ast.AsyncFunctionDef] = {}
        self.summaries: dict[str, Summary] = {}
        self.in_progress: set[str] = set()
        self.findings: list[Finding] = []
        self.sink_status: dict[tuple[int, str], str] = {}

    # helpers ---------------------------------------------------------------------------
    def code(self, line: int, end: int | None = None) -> str:
        end = end or line
        return "\n".join(self.lines[line - 1 : end]).strip()

    def qualname(self, node: ast.AST) -> str:
        parts: list[str] = []
        while isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        if isinstance(node, ast.Call):  # e.g. requests.Session().get
            return "()." + ".".join(reversed(parts)) if parts else "()"
        if not isinstance(node, ast.Name):
            return ""
        parts.append(self.aliases.get(node.id, node.id))
        return ".".join(reversed(parts))

    def status(self, line: int, cwe: str, status: str) -> None:
        key = (line, cwe)
        if (
            STATUS_RANK[status] > STATUS_RANK.get(self.sink_status.get(key, "constant"), -1)
            or key not in self.sink_status
        ):
            self.sink_status[key] = status

    def add(
        self,
        rule_key: str,
        node: ast.AST,
        message: str,
        *,
        severity: Severity | None = None,
        confidence: Confidence = "high",
        taint: Taint | None = None,
        symbol: str | None = None,
        cwe: str | None = None,
        line: int | None = None,
        end: int | None = None,
        fix: str | None = None,
        title: str | None = None,
        rule_id: str | None = None,
    ) -> None:
        r = RULES.get(rule_key)
        start = line or getattr(node, "lineno", 1)
        stop = end or getattr(node, "end_lineno", start) or start
        self.findings.append(
            Finding(
                rule_id=rule_id or (r.rule_id if r else rule_key),
                category="security",
                title=title or (r.title if r else rule_key),
                message=message,
                severity=severity or (r.severity if r else "medium"),
                confidence=confidence,
                cwe=cwe or (r.cwe if r else None),
                path=self.path,
                start_line=start,
                end_line=stop,
                snippet=self.code(start, stop),
                symbol=symbol,
                fix=fix if fix is not None else (r.fix if r else ""),
                taint_path=list(taint.steps) if taint else [],
            )
        )

    # entry -----------------------------------------------------------------------------
    def run(self) -> None:
        for node in ast.walk(self.tree):
            if isinstance(node, ast.Import):
                for a in node.names:
                    self.aliases[(a.asname or a.name).split(".")[0]] = (
                        a.name if a.asname else a.name.split(".")[0]
                    )
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                for a in node.names:
                    self.aliases[a.asname or a.name] = f"{node.module}.{a.name}"
        for node in self.tree.body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                self.functions[node.name] = node
        # module level code, then every function (and method) once
        FunctionScan(self, None, None).block(
            [
                n
                for n in self.tree.body
                if not isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
            ]
        )
        for node in ast.walk(self.tree):
            if isinstance(node, ast.ClassDef):
                for item in node.body:
                    if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
                        self.analyse(item, f"{node.name}.{item.name}")
        for name, fn in self.functions.items():
            self.summary(name, fn)

    def summary(self, name: str, fn: ast.FunctionDef | ast.AsyncFunctionDef) -> Summary:
        if name in self.summaries:
            return self.summaries[name]
        if name in self.in_progress:
            return Summary()
        self.in_progress.add(name)
        s = self.analyse(fn, name)
        self.in_progress.discard(name)
        self.summaries[name] = s
        return s

    def analyse(self, fn: ast.FunctionDef | ast.AsyncFunctionDef, symbol: str) -> Summary:
        summary = Summary()
        scan = FunctionScan(self, summary, symbol)
        route = any(
            isinstance(d, ast.Call)
            and isinstance(d.func, ast.Attribute)
            and d.func.attr in ROUTE_DECORATORS
            for d in fn.decorator_list
        )
        args = [*fn.args.posonlyargs, *fn.args.args, *fn.args.kwonlyargs]
        defaults = dict(
            zip(
                [a.arg for a in reversed(fn.args.posonlyargs + fn.args.args)],
                reversed(fn.args.defaults),
                strict=False,
            )
        )
        defaults.update(
            {a.arg: d for a, d in zip(fn.args.kwonlyargs, fn.args.kw_defaults, strict=True) if d}
        )
        head = self.code(fn.lineno)
        names = {a.arg for a in args}
        wsgi = {"environ", "start_response"} <= names  # a WSGI application callable
        for i, a in enumerate(args):
            if a.arg in NOT_TAINTED_PARAMS:
                continue
            d = defaults.get(a.arg)
            if wsgi and a.arg == "environ":
                scan.env[a.arg] = [
                    Taint("WSGI environ").then(fn.lineno, head, "source: WSGI environ")
                ]
            elif route:
                if a.arg == "request" or (
                    isinstance(d, ast.Call)
                    and self.qualname(d.func).split(".")[-1] in {"Depends", "Security"}
                ):
                    continue
                scan.env[a.arg] = [
                    Taint("route parameter").then(
                        fn.lineno, head, f"source: route parameter {a.arg}"
                    )
                ]
            else:
                scan.env[a.arg] = [Taint("param", i).then(fn.lineno, head, f"parameter {a.arg}")]
        scan.block(fn.body)
        return summary


class FunctionScan:
    """Walk one function body in order, keeping an environment name -> taints."""

    def __init__(self, fa: FileTaintAnalysis, summary: Summary | None, symbol: str | None) -> None:
        self.fa, self.summary, self.symbol = fa, summary, symbol
        self.env: dict[str, list[Taint]] = {}

    # statements ------------------------------------------------------------------------
    def block(self, body: list[ast.stmt]) -> None:
        for stmt in body:
            self.stmt(stmt)

    def branches(self, *bodies: list[ast.stmt]) -> None:
        base = dict(self.env)
        results = []
        for body in bodies:
            self.env = dict(base)
            self.block(body)
            results.append(self.env)
        merged: dict[str, list[Taint]] = {}
        for env in results:
            for k, v in env.items():
                merged[k] = _merge(merged.get(k, []), v)
        self.env = merged

    def stmt(self, s: ast.stmt) -> None:
        fa = self.fa
        if isinstance(
            s, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Import, ast.ImportFrom)
        ):
            return
        if isinstance(s, ast.Assign):
            t = self.expr(s.value)
            for target in s.targets:
                self.bind(target, t, s)
        elif isinstance(s, ast.AnnAssign) and s.value is not None:
            self.bind(s.target, self.expr(s.value), s)
        elif isinstance(s, ast.AugAssign):
            t = _merge(self.expr(s.target), self.expr(s.value))
            self.bind(s.target, t, s)
        elif isinstance(s, ast.Return) and s.value is not None:
            t = self.expr(s.value)
            if self.summary is not None:
                self.summary.returns = _merge(
                    self.summary.returns,
                    [x.then(s.lineno, fa.code(s.lineno), "returned") for x in t],
                )
        elif isinstance(s, ast.If):
            self.expr(s.test)
            self.branches(s.body, s.orelse)
        elif isinstance(s, (ast.For, ast.AsyncFor)):
            self.bind(s.target, self.expr(s.iter), s)
            self.branches(s.body + s.body, s.orelse)
        elif isinstance(s, ast.While):
            self.expr(s.test)
            self.branches(s.body + s.body, s.orelse)
        elif isinstance(s, (ast.With, ast.AsyncWith)):
            for item in s.items:
                t = self.expr(item.context_expr)
                if item.optional_vars is not None:
                    self.bind(item.optional_vars, t, s)
            self.block(s.body)
        elif isinstance(s, ast.Try) or type(s).__name__ == "TryStar":
            self.branches(s.body + s.orelse, *[h.body for h in s.handlers])  # type: ignore[attr-defined]
            self.block(s.finalbody)  # type: ignore[attr-defined]
        elif isinstance(s, ast.Match):
            self.expr(s.subject)
            self.branches(*[c.body for c in s.cases])
        else:
            for child in ast.iter_child_nodes(s):
                if isinstance(child, ast.expr):
                    self.expr(child)

    def bind(self, target: ast.expr, taints: list[Taint], stmt: ast.stmt) -> None:
        fa = self.fa
        line = stmt.lineno
        if isinstance(target, ast.Name):
            self.env[target.id] = [
                t.then(line, fa.code(line), f"assigned to {target.id}") for t in taints
            ]
        elif isinstance(target, (ast.Tuple, ast.List)):
            for elt in target.elts:
                self.bind(elt.value if isinstance(elt, ast.Starred) else elt, taints, stmt)
        elif isinstance(target, ast.Subscript):
            q = fa.qualname(target.value)
            if q in {"flask.session", "session"} or q.endswith("request.session"):
                self.sink("trust", target, taints, f"sink: {q}[...] (stored in the session)")
            if isinstance(target.value, ast.Name) and taints:
                self.env[target.value.id] = _merge(self.env.get(target.value.id, []), taints)
        elif isinstance(target, ast.Attribute):
            key = ast.unparse(target)
            self.env[key] = [t.then(line, fa.code(line), f"assigned to {key}") for t in taints]

    # expressions -----------------------------------------------------------------------
    def expr(self, e: ast.expr | None) -> list[Taint]:
        fa = self.fa
        if e is None or isinstance(e, (ast.Constant, ast.Lambda)):
            return []
        if isinstance(e, ast.Name):
            q = fa.aliases.get(e.id, e.id)
            if q in SOURCE_NAMES:
                return [Taint(SOURCE_NAMES[q]).then(e.lineno, fa.code(e.lineno), f"source: {q}")]
            return self.env.get(e.id, [])
        if isinstance(e, ast.Attribute):
            q = fa.qualname(e)
            if q in SOURCE_NAMES:
                return [Taint(SOURCE_NAMES[q]).then(e.lineno, fa.code(e.lineno), f"source: {q}")]
            base = fa.qualname(e.value)
            if e.attr in REQUEST_ATTRS and (
                base.endswith("request") or base in {"req", "flask.request"}
            ):
                label = f"request.{e.attr}"
                return [Taint(label).then(e.lineno, fa.code(e.lineno), f"source: {label}")]
            key = ast.unparse(e)
            if key in self.env:
                return self.env[key]
            return self.expr(e.value)
        if isinstance(e, ast.Subscript):
            return _merge(self.expr(e.value), [])
        parts = _string_parts(e)
        if parts is not None:
            return self.concatenation(e, parts)
        if isinstance(e, ast.Call):
            return self.call(e)
        if isinstance(e, ast.Compare):
            for sub in [e.left, *e.comparators]:
                self.expr(sub)
            return []
        if isinstance(e, ast.IfExp):
            self.expr(e.test)
            return _merge(self.expr(e.body), self.expr(e.orelse))
        if isinstance(e, ast.NamedExpr):
            t = self.expr(e.value)
            self.env[e.target.id] = t
            return t
        if isinstance(e, (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)):
            saved = dict(self.env)
            for gen in e.generators:
                t = self.expr(gen.iter)
                if isinstance(gen.target, ast.Name):
                    self.env[gen.target.id] = t
                elif isinstance(gen.target, (ast.Tuple, ast.List)):
                    for n in ast.walk(gen.target):
                        if isinstance(n, ast.Name):
                            self.env[n.id] = t
            parts = [e.key, e.value] if isinstance(e, ast.DictComp) else [e.elt]
            out = _merge(*[self.expr(p) for p in parts])
            self.env = saved
            return out
        # BinOp, BoolOp, JoinedStr, FormattedValue, List, Tuple, Set, Dict, Starred, Await...
        out: list[Taint] = []
        for child in ast.iter_child_nodes(e):
            if isinstance(child, ast.expr):
                out = _merge(out, self.expr(child))
        return out

    def concatenation(self, e: ast.expr, parts: list[ast.expr]) -> list[Taint]:
        """A string built from ``parts`` in order. Untrusted data after a prefix that
        fixes the URL's origin (``"/path?q="``, ``base_url + "/"``) cannot choose where a
        redirect goes: those taints are marked clean for the redirect rule."""
        taints = [self.expr(p) for p in parts]
        out = _merge(*taints)
        first = next((i for i, t in enumerate(taints) if t), None)
        if first is None or not _fixed_origin(parts[:first]):
            return out
        line = e.lineno
        return [
            Taint(t.origin, t.param, t.steps, t.sanitisers | {"redirect"}).then(
                line, self.fa.code(line), "after a fixed URL prefix (not an open redirect)"
            )
            for t in out
        ]

    def call(self, c: ast.Call) -> list[Taint]:
        fa = self.fa
        q = fa.qualname(c.func)
        short = q.rsplit(".", 1)[-1]
        args = [self.expr(a) for a in c.args]
        kws = {k.arg: self.expr(k.value) for k in c.keywords}
        all_args = _merge(*args, *kws.values())
        receiver = self.expr(c.func.value) if isinstance(c.func, ast.Attribute) else []
        line = c.lineno
        self.check_sinks(c, q, short, args, kws)
        if short == "url_concat" and args:  # tornado.httputil.url_concat(url, query_args)
            tail = _merge(*args[1:], *kws.values())
            return _merge(
                args[0],
                [Taint(t.origin, t.param, t.steps, t.sanitisers | {"redirect"}) for t in tail],
            )
        if q in SOURCE_CALLS:
            label = SOURCE_CALLS[q]
            return [Taint(label).then(line, fa.code(line), f"source: {label}")]
        if isinstance(c.func, ast.Attribute) and c.func.attr in REQUEST_ATTRS | {
            "get_json",
            "get_data",
        }:
            base = fa.qualname(c.func.value)
            if base.endswith("request") or base == "req":
                label = f"request.{c.func.attr}()"
                return [Taint(label).then(line, fa.code(line), f"source: {label}")]
        if (
            isinstance(c.func, ast.Attribute)
            and c.func.attr in HANDLER_SOURCE_METHODS
            and fa.qualname(c.func.value) == "self"
        ):
            label = f"self.{c.func.attr}()"
            return [Taint(label).then(line, fa.code(line), f"source: {label}")]
        if _rooted_normpath_stripped(fa, c):
            return [
                Taint(t.origin, t.param, t.steps, t.sanitisers | {"path"}).then(
                    line, fa.code(line), "normalised under '/' and made relative (sanitiser)"
                )
                for t in _merge(receiver, all_args)
            ]
        if q in SANITISERS or short in {"secure_filename", "escape_filter_chars"}:
            kinds = SANITISERS.get(q) or SANITISERS[short]
            return [
                Taint(t.origin, t.param, t.steps, t.sanitisers | kinds).then(
                    line, fa.code(line), f"passes {q} (sanitiser)"
                )
                for t in all_args
            ]
        if q in {"open", "io.open", "codecs.open"}:
            return _merge(
                all_args, [Taint("file read").then(line, fa.code(line), "source: file read")]
            )
        if q in fa.functions and isinstance(c.func, ast.Name):
            return self.local_call(c, q, args, kws)
        return _merge(receiver, all_args)

    def local_call(self, c: ast.Call, name: str, args: list[list[Taint]], kws: dict) -> list[Taint]:
        fa = self.fa
        fn = fa.functions[name]
        summary = fa.summary(name, fn)
        params = [a.arg for a in [*fn.args.posonlyargs, *fn.args.args, *fn.args.kwonlyargs]]
        by_index: dict[int, list[Taint]] = dict(enumerate(args))
        for k, v in kws.items():
            if k in params:
                by_index[params.index(k)] = v
        note = f"passed to {name}() (same file)"
        for hit in summary.hits:
            for t in by_index.get(hit.taint.param, []):
                combined = Taint(
                    t.origin,
                    t.param,
                    (*t.then(c.lineno, fa.code(c.lineno), note).steps, *hit.taint.steps),
                    t.sanitisers | hit.taint.sanitisers,
                )
                if combined.clean_for(RULES[hit.rule].kind):
                    continue
                if combined.origin == "param":
                    # a parameter of this function too: the flow goes into this
                    # function's summary; only a caller with a real source reports it
                    if self.summary is not None:
                        self.summary.hits.append(
                            SinkHit(
                                hit.rule,
                                hit.sink_line,
                                hit.sink_end,
                                hit.sink_note,
                                combined,
                                hit.symbol,
                            )
                        )
                    continue
                self.report(
                    hit.rule, combined, hit.sink_line, hit.sink_end, hit.sink_note, hit.symbol, c
                )
        out: list[Taint] = []
        for r in summary.returns:
            if r.origin == "param":
                for t in by_index.get(r.param, []):
                    out.append(
                        Taint(
                            t.origin,
                            t.param,
                            (*t.then(c.lineno, fa.code(c.lineno), note).steps, *r.steps[1:]),
                            t.sanitisers | r.sanitisers,
                        )
                    )
            else:
                out.append(r.then(c.lineno, fa.code(c.lineno), f"returned by {name}()"))
        return _merge(out)

    # sinks -----------------------------------------------------------------------------
    def check_sinks(
        self, c: ast.Call, q: str, short: str, args: list[list[Taint]], kws: dict
    ) -> None:
        def arg(i: int, kw: str) -> tuple[ast.expr | None, list[Taint]]:
            if len(c.args) > i:
                return c.args[i], args[i]
            for k in c.keywords:
                if k.arg == kw:
                    return k.value, kws[kw]
            return None, []

        if q in CALL_SINKS:
            key, i, kw = CALL_SINKS[q]
            node, taints = arg(i, kw)
            if node is not None:
                self.sink(key, c, taints, f"sink: {q}()", node)
            return
        if q in SUBPROCESS:
            shell = any(
                k.arg == "shell" and not (isinstance(k.value, ast.Constant) and not k.value.value)
                for k in c.keywords
            ) or q.endswith("_shell")
            node, taints = arg(0, "args")
            if node is None:
                return
            if not shell and isinstance(node, (ast.List, ast.Tuple)):
                if node.elts:
                    self.sink(
                        "cmd",
                        c,
                        self.expr(node.elts[0]),
                        f"sink: {q}() program name",
                        node.elts[0],
                        quiet=True,
                    )
                return
            self.sink(
                "cmd",
                c,
                taints,
                f"sink: {q}(shell=True)" if shell else f"sink: {q}()",
                node,
                quiet=not shell,
            )
            return
        if q == "yaml.load" or q == "yaml.load_all":
            loader = next(
                (k.value for k in c.keywords if k.arg == "Loader"),
                c.args[1] if len(c.args) > 1 else None,
            )
            if loader is None or "Safe" not in ast.unparse(loader):
                node, taints = arg(0, "stream")
                self.sink("deser", c, taints, f"sink: {q}() without SafeLoader", node)
            return
        if isinstance(c.func, ast.Attribute):
            attr = c.func.attr
            if (attr in SQL_METHODS and not q.startswith(("re.", "()"))) or attr in {
                "execute",
                "executemany",
            }:
                node, taints = arg(0, "sql" if attr != "raw" else "raw_query")
                if node is not None:
                    dynamic = isinstance(node, (ast.JoinedStr, ast.BinOp)) or (
                        isinstance(node, ast.Call)
                        and isinstance(node.func, ast.Attribute)
                        and node.func.attr == "format"
                    )
                    self.sink("sql", c, taints, f"sink: .{attr}() query", node, quiet=not dynamic)
            elif attr in {"search_s", "search_st", "search_ext", "search_ext_s"}:
                node, taints = arg(2, "filterstr")
                self.sink("ldap", c, taints, f"sink: .{attr}() filter", node)
            elif (attr == "search" and any(k.arg == "search_filter" for k in c.keywords)) or (
                attr == "search" and re.search(r"(conn|ldap)", q, re.I)
            ):
                node, taints = arg(1, "search_filter")
                self.sink("ldap", c, taints, "sink: .search() filter", node)
            elif attr == "redirect" and self.fa.qualname(c.func.value) == "self":
                # Tornado RequestHandler.redirect(url) and its look-alikes
                node, taints = arg(0, "url")
                self.sink("redirect", c, taints, "sink: self.redirect() URL", node)
            elif attr == "xpath":
                node, taints = arg(0, "_path")
                self.sink("xpath", c, taints, "sink: .xpath() expression", node)
            elif attr in HTTP_CLIENT_METHODS and re.search(r"(session|client|http)", q, re.I):
                node, taints = arg(1 if attr == "request" else 0, "url")
                self.sink("ssrf", c, taints, f"sink: {q}() URL", node)

    def sink(
        self,
        key: str,
        node: ast.AST,
        taints: list[Taint],
        note: str,
        arg: ast.AST | None = None,
        quiet: bool = False,
    ) -> None:
        rule = RULES[key]
        line, end = node.lineno, getattr(node, "end_lineno", node.lineno) or node.lineno
        fa = self.fa
        live = [t for t in taints if not t.clean_for(rule.kind)]
        sources = [t for t in live if t.origin != "param"]
        params = [t for t in live if t.origin == "param"]
        if sources:
            best = sorted(sources, key=lambda t: t.origin in WEAK_SOURCES)[0]
            self.report(key, best, line, end, note, self.symbol, node)
            return
        if params and self.summary is not None:
            for t in params:
                self.summary.hits.append(SinkHit(key, line, end, note, t, self.symbol))
        if live or (arg is not None and not _constant(arg) and not taints):
            fa.status(line, rule.cwe, "unknown")
            if rule.unknown and not quiet:
                fa.add(
                    key,
                    node,
                    f"{rule.title}: a non-constant value of untraced origin reaches "
                    f"this sink ({note.removeprefix('sink: ')}).",
                    severity=rule.unknown,
                    confidence="low",
                    symbol=self.symbol,
                    line=line,
                    end=end,
                )
        elif taints:
            fa.status(line, rule.cwe, "sanitised")
        else:
            fa.status(line, rule.cwe, "constant")

    def report(
        self,
        key: str,
        taint: Taint,
        line: int,
        end: int,
        note: str,
        symbol: str | None,
        node: ast.AST,
    ) -> None:
        rule, fa = RULES[key], self.fa
        fa.status(line, rule.cwe, "tainted")
        path = taint.then(line, fa.code(line, end), note)
        weak = taint.origin in WEAK_SOURCES
        src = taint.origin
        fa.add(
            key,
            node,
            f"{rule.title}: untrusted data from {src} reaches {note.removeprefix('sink: ')}"
            " without a sanitiser.",
            severity="medium" if weak and rule.severity != "medium" else rule.severity,
            confidence="medium" if weak else "high",
            taint=path,
            symbol=symbol,
            line=line,
            end=end,
        )


def _constant(node: ast.AST) -> bool:
    if isinstance(node, ast.Constant):
        return True
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        return all(_constant(e) for e in node.elts)
    if isinstance(node, ast.JoinedStr):
        return all(isinstance(v, ast.Constant) for v in node.values)
    return False


def _rooted_normpath_stripped(fa: FileTaintAnalysis, c: ast.Call) -> bool:
    """``normpath("/" + p).lstrip("/")``: normalising under the root removes every
    ``..`` that could climb out, and stripping the leading slash makes the result
    relative again, so joining it to a base directory stays inside the base."""
    if not (
        isinstance(c.func, ast.Attribute)
        and c.func.attr in {"lstrip", "strip"}
        and c.args
        and isinstance(c.args[0], ast.Constant)
        and c.args[0].value == "/"
        and isinstance(c.func.value, ast.Call)
        and fa.qualname(c.func.value.func) in {"os.path.normpath", "posixpath.normpath"}
        and c.func.value.args
    ):
        return False
    inner = c.func.value.args[0]
    if isinstance(inner, ast.BinOp) and isinstance(inner.op, ast.Add):
        first = inner.left
        while isinstance(first, ast.BinOp) and isinstance(first.op, ast.Add):
            first = first.left
        return isinstance(first, ast.Constant) and str(first.value).startswith("/")
    if isinstance(inner, ast.JoinedStr) and inner.values:
        head = inner.values[0]
        return isinstance(head, ast.Constant) and str(head.value).startswith("/")
    return False


def _string_parts(e: ast.expr) -> list[ast.expr] | None:
    """The ordered pieces of a string concatenation (``a + b + c``, an f-string, or
    ``sep.join([a, b])`` with a literal list, the separator between the items), or None
    for anything else."""
    if isinstance(e, ast.BinOp) and isinstance(e.op, ast.Add):
        out: list[ast.expr] = []
        node: ast.expr = e
        while isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            out.insert(0, node.right)
            node = node.left
        return [node, *out]
    if isinstance(e, ast.JoinedStr):
        return [v.value if isinstance(v, ast.FormattedValue) else v for v in e.values]
    if (
        isinstance(e, ast.Call)
        and isinstance(e.func, ast.Attribute)
        and e.func.attr == "join"
        and len(e.args) == 1
        and not e.keywords
        and isinstance(e.args[0], (ast.List, ast.Tuple))
    ):
        sep = e.func.value
        out = []
        for i, elt in enumerate(e.args[0].elts):
            if i and not (isinstance(sep, ast.Constant) and not sep.value):
                out.append(sep)
            out.append(elt.value if isinstance(elt, ast.Starred) else elt)
        return out
    return None


ORIGIN_FIXED = re.compile(r"^(/[^/\\]|[a-zA-Z][a-zA-Z0-9+.-]*://[^/?#\\\x00]+[/?#])")


def _fixed_origin(prefix: list[ast.expr]) -> bool:
    """Whether untrusted text appended after ``prefix`` (trusted pieces) can no longer
    change a URL's scheme and host: the prefix is a rooted path ("/x..."), an absolute
    URL up to its path, or starts with a trusted variable (a configured base URL) not
    followed by a scheme separator."""
    text = ""
    for p in prefix:
        if isinstance(p, ast.Constant) and isinstance(p.value, str):
            text += p.value
        else:
            text += "\x00"  # a trusted, non-literal piece
    if not text:
        return False
    if text.startswith("\x00"):
        return not text.lstrip("\x00").startswith(":")
    return bool(ORIGIN_FIXED.match(text))
