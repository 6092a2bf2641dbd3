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
* Guards: a branch that ends in raise/return/abort()/continue does not flow on, so what
  its condition rules out holds after the ``if`` (and inside a branch, what its
  condition proves): ``x in ALLOWED`` / ``x == "c"`` / ``x.isdigit()`` (every sink), a
  fully anchored regex or a ``validate_x(x)`` call statement (every string-injection
  sink), ``startswith`` of a fixed origin or a configured base / a checked
  ``urlparse(x).netloc`` / ``startswith("/")`` without ``"//"`` and ``"/\\"`` (redirect,
  SSRF), a
  normalised path's ``startswith``/``is_relative_to``/``commonpath`` or ``".." not in x``
  (path), ``is_safe_url()``-like predicates (redirect, path, SSRF). A scheme-only check
  (``startswith("https://")``, ``^https?://``) protects nothing. Rejecting ``"//"`` (or
  ``"/" + x.lstrip("/")``) is enough for a request path (``noproto``), which always
  starts with "/"; a query value also needs ``"\\"`` stripped or a rooted-path check.
* ``eval()``/``exec()`` of a code object from ``compile()`` is not a sink (the
  ``compile()`` call is); ``numpy.load(allow_pickle=...)``/``torch.load(weights_only=...)``
  unpickle per their flag, including a ``self`` attribute whose constructor default turns
  it on; ``js2py.eval_js`` is code execution unless ``js2py.disable_pyimport()`` is called.
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

STATUS_RANK = {
    "constant": 0,
    "benign": 1,
    "compiled": 1,
    "sanitised": 2,
    "unknown": 3,
    "tainted": 4,
}

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
#: sources that are the path of the request URL (always start with one "/")
PATH_ORIGINS = frozenset(
    {
        "request.path",
        "request.uri",
        "request.full_path",
        "request.path_info",
        "request.raw_path",
        "request.get_full_path()",
    }
)

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
    "joblib.load": ("deser", 0, "filename"),
    "pandas.read_pickle": ("deser", 0, "filepath_or_buffer"),
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
JS2PY_EVAL = frozenset({"js2py.eval_js", "js2py.eval_js6"})
#: pickle-based loaders whose unpickling a keyword switches: numpy.load unpickles only
#: with allow_pickle=True (the default since numpy 1.16.3 is False), torch.load unless
#: weights_only=True
PICKLE_LOADERS: dict[str, tuple[str, bool, bool]] = {
    # name: (keyword, value that makes it unpickle, the library's default)
    "numpy.load": ("allow_pickle", True, False),
    "torch.load": ("weights_only", False, False),  # the default is True from torch 2.6
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
        if "all" in self.sanitisers or kind in self.sanitisers:
            return True
        # "cannot start with '//'": enough against an open redirect only for a value that
        # is a request path (it always starts with one '/', and browsers send '\\' as '/')
        return kind == "redirect" and "noproto" in self.sanitisers and self.origin in PATH_ORIGINS


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
        self.code_attrs: set[str] = set()  # self.<attr> only ever assigned compile(...)
        self.attr_defaults: dict[str, object] = {}  # self.<attr> = <param with a default>
        self.js2py_hardened = "disable_pyimport" in text

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
        self_assigns: list[tuple[ast.stmt, str, ast.expr | None]] = []
        inits: list[ast.FunctionDef | ast.AsyncFunctionDef] = []
        for node in ast.walk(self.tree):
            if isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for t in targets:
                    if (
                        isinstance(t, ast.Attribute)
                        and isinstance(t.value, ast.Name)
                        and t.value.id == "self"
                    ):
                        value = None if isinstance(node, ast.AugAssign) else node.value
                        self_assigns.append((node, t.attr, value))
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                if node.name == "__init__":
                    inits.append(node)
            elif isinstance(node, ast.Import):
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
        self.code_attrs, self.attr_defaults = _self_attributes(self_assigns, inits)
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
        # expression text (a name, ``self.request.path``) -> (sink kinds, line, what
        # checked it): a guard on every path to here proved it safe for those kinds
        self.checked: dict[str, tuple[frozenset[str], int, str]] = {}
        # variables whose value starts with a fixed URL origin ("/x...", "https://h/"):
        # name -> the sanitiser mark that text appended to them gets
        self.fixed_names: dict[str, str] = {}
        self.parsed: dict[str, str] = {}  # name -> the expression urlparse() parsed
        # name -> how its value was made: "compile" (a code object from compile()),
        # "norm" (a path from realpath()/abspath()/normpath()/resolve())
        self.made: dict[str, str] = {}
        self.escapes: list[list[_State]] = []  # per enclosing loop: states at break/continue

    # statements ------------------------------------------------------------------------
    def block(self, body: list[ast.stmt]) -> None:
        for stmt in body:
            self.stmt(stmt)

    def state(self) -> _State:
        return _State(self.env, self.checked, self.fixed_names, self.parsed, self.made)

    def restore(self, st: _State) -> None:
        self.env, self.checked = dict(st.env), dict(st.checked)
        self.fixed_names, self.parsed = dict(st.fixed), dict(st.parsed)
        self.made = dict(st.made)

    def branches(
        self,
        *bodies: list[ast.stmt],
        facts: list[dict[str, frozenset[str]]] | None = None,
        drop: bool = False,
        line: int = 0,
    ) -> None:
        """Walk alternative ``bodies`` from the same state and merge what flows on.

        ``facts[i]``: what the condition proves inside body ``i`` (expression -> sink
        kinds). With ``drop``, a body that ends in raise/return/abort (or break/continue:
        its state goes to the enclosing loop's exit) does not flow on, so what the others
        proved holds after the statement: ``if not ok(x): raise`` guards ``x``."""
        base = self.state()
        results: list[tuple[_State, str | None]] = []
        for i, body in enumerate(bodies):
            self.restore(base)
            for key, kinds in (facts[i] if facts and i < len(facts) else {}).items():
                self.check(key, kinds, line, "a condition")
            self.block(body)
            end = _terminates(body) if drop else None
            if end == "loop" and self.escapes:
                self.escapes[-1].append(self.state())
            results.append((self.state(), end))
        live = [st for st, end in results if end is None] or [st for st, _ in results]
        self.join(live)

    def join(self, states: list[_State]) -> None:
        """The state after paths ``states`` meet: taints of any path, guards of all."""
        env: dict[str, list[Taint]] = {}
        for st in states:
            for k, v in st.env.items():
                env[k] = _merge(env.get(k, []), v)
        checked = dict(states[0].checked)
        fixed = dict(states[0].fixed)
        parsed = dict(states[0].parsed)
        for st in states[1:]:
            for k in list(checked):
                other = st.checked.get(k)
                if other is None:
                    del checked[k]
                    continue
                kinds = _meet(checked[k][0], other[0])
                if kinds:
                    checked[k] = (kinds, checked[k][1], checked[k][2])
                else:
                    del checked[k]
            fixed = {k: v for k, v in fixed.items() if st.fixed.get(k) == v}
            parsed = {k: v for k, v in parsed.items() if st.parsed.get(k) == v}
        self.env, self.checked, self.fixed_names, self.parsed = env, checked, fixed, parsed
        made = dict(states[0].made)
        for st in states[1:]:
            made = {k: v for k, v in made.items() if st.made.get(k) == v}
        self.made = made

    def loop(self, body: list[ast.stmt], orelse: list[ast.stmt]) -> None:
        self.escapes.append([])
        self.branches(body + body, orelse)
        exits = self.escapes.pop()
        if exits:
            self.join([self.state(), *exits])

    # guards ----------------------------------------------------------------------------
    def check(self, key: str, kinds: frozenset[str], line: int, label: str) -> None:
        """Record that ``key`` passed a check that makes it safe for ``kinds``."""
        if not kinds:
            return
        cur = self.checked.get(key)
        if cur is not None:
            kinds = cur[0] | kinds
        self.checked[key] = (kinds, line, label)

    def forget(self, key: str) -> None:
        """``key`` was assigned: the guards on it (and on its attributes) no longer hold."""
        self.fixed_names.pop(key, None)
        self.made.pop(key, None)
        self.parsed.pop(key, None)
        if not self.checked:
            return
        for k in [k for k in self.checked if k == key or k.startswith((key + ".", key + "["))]:
            del self.checked[k]

    def guarded(self, key: str, taints: list[Taint]) -> list[Taint]:
        entry = self.checked.get(key)
        if entry is None or not taints:
            return taints
        kinds, line, label = entry
        code = self.fa.code(line)
        return [
            Taint(t.origin, t.param, t.steps, t.sanitisers | kinds).then(
                line, code, f"checked by {label} (guard)"
            )
            for t in taints
        ]

    def all_checked(self, node: ast.AST, kind: str) -> bool:
        """Every variable in ``node`` (no taint traced) passed a guard for ``kind``."""
        if not self.checked:
            return False
        keys: list[str] = []

        def visit(n: ast.AST) -> None:
            if isinstance(n, (ast.Name, ast.Attribute, ast.Subscript)):
                keys.append(ast.unparse(n))
            elif isinstance(n, ast.Call):
                for a in [*n.args, *(k.value for k in n.keywords)]:
                    visit(a)
                if isinstance(n.func, ast.Attribute):
                    visit(n.func.value)
            else:
                for c in ast.iter_child_nodes(n):
                    visit(c)

        visit(node)
        if not keys:
            return False
        for k in keys:
            entry = self.checked.get(k)
            if entry is None or not ("all" in entry[0] or kind in entry[0]):
                return False
        return True

    def subject(self, e: ast.expr) -> tuple[str | None, str]:
        """The checked expression behind ``e`` and how it was transformed: ``"norm"``
        (realpath/abspath/normpath/resolve), ``"parsed"`` (a host of urlparse()), ``""``."""
        fa = self.fa
        how = ""
        for _ in range(8):
            if isinstance(e, ast.Call):
                q = fa.qualname(e.func)
                short = q.rsplit(".", 1)[-1]
                method = isinstance(e.func, ast.Attribute)
                if short == "join":
                    if not (q.endswith("path.join") and e.args):
                        return None, how  # "".join(parts): not a path
                    e = e.args[-1]  # os.path.join(base, name): the name is checked
                elif short in NORMALISERS:
                    how = "norm"
                    if e.args:
                        e = e.args[0]
                    elif method:
                        e = e.func.value  # type: ignore[union-attr]
                    else:
                        return None, how
                elif short in URL_PARSERS and e.args:
                    how, e = "parsed", e.args[0]
                elif method and short in TRANSPARENT_METHODS:
                    e = e.func.value  # type: ignore[union-attr]
                elif short in TRANSPARENT_CALLS and e.args:
                    e = e.args[-1]  # Path(base, name)
                else:
                    return None, how
            elif isinstance(e, ast.BinOp) and isinstance(e.op, ast.Div):  # Path(base) / name
                e = e.right
            elif isinstance(e, ast.Attribute) and e.attr in HOST_ATTRS:
                base = e.value
                if isinstance(base, ast.Name) and base.id in self.parsed:
                    return self.parsed[base.id], "parsed"
                if isinstance(base, ast.Call) and fa.qualname(base.func).rsplit(".", 1)[-1] in (
                    URL_PARSERS
                ):
                    e = base
                    continue
                return ast.unparse(e), how
            elif isinstance(e, ast.Name):
                return e.id, how or ("norm" if self.made.get(e.id) == "norm" else "")
            elif isinstance(e, (ast.Attribute, ast.Subscript)):
                return ast.unparse(e), how
            else:
                return None, how
        return None, how

    def facts(self, t: ast.expr, pos: bool) -> dict[str, set[str]]:
        """What condition ``t`` proves about checked expressions when it is ``pos``:
        expression text -> marks (see ``_mark_kinds``)."""
        if isinstance(t, ast.UnaryOp) and isinstance(t.op, ast.Not):
            return self.facts(t.operand, not pos)
        if isinstance(t, ast.NamedExpr):
            return self.facts(t.value, pos)
        if isinstance(t, ast.BoolOp):
            parts = [self.facts(v, pos) for v in t.values]
            out: dict[str, set[str]] = {}
            if isinstance(t.op, ast.And) == pos:  # every operand holds (as ``pos``)
                for p in parts:
                    for k, v in p.items():
                        out.setdefault(k, set()).update(v)
                return out
            first, *rest = parts  # one of them holds: only what all prove
            for k, v in first.items():
                common = set(v)
                for p in rest:
                    common &= p.get(k, set())
                if common:
                    out[k] = common
            return out
        if isinstance(t, ast.Call):
            return self.call_facts(t, pos)
        if isinstance(t, ast.Compare) and len(t.ops) == 1:
            return self.compare_facts(t, pos)
        if isinstance(t, ast.Attribute) and t.attr in HOST_ATTRS:
            key, how = self.subject(t)
            return {key: {"host"}} if key and how == "parsed" else {}
        return {}

    def call_facts(self, c: ast.Call, pos: bool) -> dict[str, set[str]]:
        fa = self.fa
        q = fa.qualname(c.func)
        short = q.rsplit(".", 1)[-1]
        recv = c.func.value if isinstance(c.func, ast.Attribute) else None
        if recv is not None and short == "startswith" and c.args:
            key, how = self.subject(recv)
            if key is None:
                return {}
            marks = _startswith_marks(_prefixes(c.args[0]), pos)
            if pos and how == "norm":
                marks.add("contained")
            return {key: marks} if marks else {}
        if recv is not None and short == "is_relative_to" and pos:
            key, _ = self.subject(recv)
            return {key: {"contained"}} if key else {}
        if recv is not None and short in CHARSET_CHECKS and pos:
            key, _ = self.subject(recv)
            return {key: {"allow"}} if key else {}
        if short in ("match", "fullmatch", "search") and (q.startswith("re.") or recv is not None):
            if q.startswith("re."):
                if len(c.args) < 2:
                    return {}
                pattern, target = c.args[0], c.args[1]
            elif c.args:
                pattern, target = None, c.args[0]
            else:
                return {}
            key, _ = self.subject(target)
            if key is None:
                return {}
            text = pattern.value if isinstance(pattern, ast.Constant) else None
            marks = _regex_marks(text if isinstance(text, str) else None, short, pos)
            return {key: marks} if marks else {}
        if pos and PREDICATE.search(short):
            out: dict[str, set[str]] = {}
            for a in c.args:
                key, _ = self.subject(a)
                if key:
                    out[key] = {"predicate"}
            return out
        return {}

    def compare_facts(self, t: ast.Compare, pos: bool) -> dict[str, set[str]]:
        op, left, right = t.ops[0], t.left, t.comparators[0]
        for side in (left, right):  # parsed.netloc != expected, parsed.hostname in hosts
            if isinstance(side, ast.Attribute) and side.attr in HOST_ATTRS:
                key, how = self.subject(side)
                if key and how == "parsed":
                    return {key: {"host"}}
        if isinstance(op, (ast.In, ast.NotIn)):
            holds = pos == isinstance(op, ast.In)  # "left in right" is true
            if isinstance(left, ast.Constant) and isinstance(left.value, str):
                key, _ = self.subject(right)  # a substring test: ".." not in path
                if key is None or holds:
                    return {}
                if ".." in left.value:
                    return {key: {"nodotdot"}}
                if left.value.startswith(("//", "\\")):
                    return {key: {"noproto"}}
                return {}
            if isinstance(right, ast.Constant) or not holds:
                return {}
            key, _ = self.subject(left)  # an allow-list: x in ALLOWED
            return {key: {"allow"}} if key else {}
        if isinstance(op, (ast.Eq, ast.NotEq)):
            if pos != isinstance(op, ast.Eq):
                return {}
            for a, b in ((left, right), (right, left)):
                if isinstance(b, ast.Call) and self.fa.qualname(b.func).rsplit(".", 1)[-1] in (
                    "commonpath",
                    "commonprefix",
                ):
                    out: dict[str, set[str]] = {}
                    for arg in b.args:
                        for elt in arg.elts if isinstance(arg, (ast.List, ast.Tuple)) else [arg]:
                            key, _ = self.subject(elt)
                            if key:
                                out[key] = {"contained"}
                    return out
                if isinstance(b, ast.Constant) and b.value is not None:
                    key, _ = self.subject(a)
                    return {key: {"allow"}} if key else {}
        return {}

    def condition(self, test: ast.expr) -> list[dict[str, frozenset[str]]]:
        """Sink kinds the condition proves safe in its true and its false branch."""
        out = []
        for pos in (True, False):
            kinds = {k: _mark_kinds(v) for k, v in self.facts(test, pos).items()}
            out.append({k: v for k, v in kinds.items() if v})
        return out

    def validator_call(self, c: ast.Call) -> None:
        """``validate_name(x)`` as a statement: its result is unused, so it can only
        protect by raising: ``x`` counts as validated from here on."""
        q = self.fa.qualname(c.func)
        short = q.rsplit(".", 1)[-1]
        if q in CALL_SINKS or q in SUBPROCESS or short in ("check_call", "check_output"):
            return
        if not VALIDATOR_CALL.match(short):
            return
        for a in c.args:
            key, _ = self.subject(a)
            if key:
                self.check(key, VALIDATED, c.lineno, f"{short}()")

    def setting_is(self, node: ast.expr | None, unsafe: bool, default: bool) -> bool:
        """Whether keyword value ``node`` (None: not passed, so ``default``) turns the
        unsafe behaviour on: the constant ``unsafe``, or a ``self`` attribute set from a
        constructor parameter whose default is ``unsafe`` (callers get the unsafe
        behaviour unless they opt out)."""
        if node is None:
            return default is unsafe
        if isinstance(node, ast.Constant):
            return node.value is unsafe
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id == "self"
            and node.attr in self.fa.attr_defaults
        ):
            return self.fa.attr_defaults[node.attr] is unsafe
        return False

    def code_object(self, e: ast.expr) -> bool:
        """``e`` is a code object made by compile() (a local name or a ``self``
        attribute only ever assigned one), not source text."""
        if isinstance(e, ast.Call):
            return self.fa.qualname(e.func) == "compile"
        if isinstance(e, ast.Name):
            return self.made.get(e.id) == "compile"
        return (
            isinstance(e, ast.Attribute)
            and isinstance(e.value, ast.Name)
            and e.value.id == "self"
            and e.attr in self.fa.code_attrs
        )

    def origin_mark(self, e: ast.expr) -> str | None:
        """The sanitiser mark for text appended to the value of ``e`` when that value
        starts with a fixed URL origin (None when it may not)."""
        if isinstance(e, ast.Name):
            return self.fixed_names.get(e.id)
        parts = _string_parts(e)
        if not parts:
            return None
        first = next((i for i, p in enumerate(parts) if not isinstance(p, ast.Constant)), None)
        if first is None:
            return None
        if first and _fixed_origin(parts[:first]):
            return "redirect"
        if first == 0 and isinstance(parts[0], ast.Name):
            return self.fixed_names.get(parts[0].id)
        return _slash_stripped(parts, first)

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
            if len(s.targets) == 1 and isinstance(s.targets[0], ast.Name):
                self.remember(s.targets[0].id, s.value)
        elif isinstance(s, ast.AnnAssign) and s.value is not None:
            self.bind(s.target, self.expr(s.value), s)
            if isinstance(s.target, ast.Name):
                self.remember(s.target.id, s.value)
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
            self.branches(s.body, s.orelse, facts=self.condition(s.test), drop=True, line=s.lineno)
        elif isinstance(s, (ast.For, ast.AsyncFor)):
            self.bind(s.target, self.expr(s.iter), s)
            self.loop(s.body, s.orelse)
        elif isinstance(s, ast.While):
            self.expr(s.test)
            self.loop(s.body, s.orelse)
        elif isinstance(s, (ast.With, ast.AsyncWith)):
            for item in s.items:
                t = self.expr(item.context_expr)
                if item.optional_vars is not None:
                    self.bind(item.optional_vars, t, s)
            self.block(s.body)
        elif isinstance(s, ast.Try) or type(s).__name__ == "TryStar":
            self.branches(s.body + s.orelse, *[h.body for h in s.handlers], drop=True)  # type: ignore[attr-defined]
            self.block(s.finalbody)  # type: ignore[attr-defined]
        elif isinstance(s, ast.Match):
            self.expr(s.subject)
            self.branches(*[c.body for c in s.cases])
        else:
            for child in ast.iter_child_nodes(s):
                if isinstance(child, ast.expr):
                    self.expr(child)
            if isinstance(s, ast.Expr) and isinstance(s.value, ast.Call):
                self.validator_call(s.value)

    def remember(self, name: str, value: ast.expr) -> None:
        """After ``name = value``: does it start with a fixed origin, is it a parsed URL."""
        mark = self.origin_mark(value)
        if mark:
            self.fixed_names[name] = mark
        if isinstance(value, ast.Call):
            if self.fa.qualname(value.func) == "compile":
                self.made[name] = "compile"
            elif self.subject(value)[1] == "norm":
                self.made[name] = "norm"
        if (
            isinstance(value, ast.Call)
            and value.args
            and self.fa.qualname(value.func).rsplit(".", 1)[-1] in URL_PARSERS
        ):
            key, _ = self.subject(value.args[0])
            if key:
                self.parsed[name] = key

    def bind(self, target: ast.expr, taints: list[Taint], stmt: ast.stmt) -> None:
        fa = self.fa
        line = stmt.lineno
        if isinstance(target, ast.Name):
            self.forget(target.id)
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
            self.forget(key)
            self.env[key] = [t.then(line, fa.code(line), f"assigned to {key}") for t in taints]

    # expressions -----------------------------------------------------------------------
    def expr(self, e: ast.expr | None) -> list[Taint]:
        t = self.value(e)
        if t and self.checked and isinstance(e, (ast.Name, ast.Attribute, ast.Subscript)):
            return self.guarded(e.id if isinstance(e, ast.Name) else ast.unparse(e), t)
        return t

    def value(self, e: ast.expr | None) -> list[Taint]:
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
        if first is None:
            return out
        line = e.lineno
        code = self.fa.code(line)
        if _fixed_origin(parts[:first]):
            mark, note = "redirect", "after a fixed URL prefix (not an open redirect)"
        elif first == 0 and isinstance(parts[0], ast.Name) and parts[0].id in self.fixed_names:
            # a value that starts with a fixed origin, then more text: the head keeps its
            # own taints, what follows cannot move the origin any more
            mark = self.fixed_names[parts[0].id]
            tail = [
                Taint(t.origin, t.param, t.steps, t.sanitisers | {mark}).then(
                    line, code, f"after {parts[0].id}, which starts with a fixed URL origin"
                )
                for t in _merge(*taints[1:])
            ]
            return _merge(taints[0], tail)
        else:
            mark = _slash_stripped(parts, first)
            note = "after '/' + a value stripped of leading slashes (a local path)"
            if mark is None:
                return out
        return [
            Taint(t.origin, t.param, t.steps, t.sanitisers | {mark}).then(line, code, note)
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
        if isinstance(c.func, ast.IfExp):  # (loads_fast if fast else loads)(data)
            for alt in (c.func.body, c.func.orelse):
                qa = fa.qualname(alt)
                if qa:
                    self.check_sinks(c, qa, qa.rsplit(".", 1)[-1], args, kws)
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
            if key in ("eval", "exec") and node is not None and self.code_object(node):
                # the code was fixed when compile() made it: that call is the sink
                self.fa.status(c.lineno, RULES[key].cwe, "compiled")
                return
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
        if q in JS2PY_EVAL:
            # js2py runs JavaScript that can import Python modules (pyimport) unless the
            # module turned that off with js2py.disable_pyimport()
            if not self.fa.js2py_hardened:
                node, taints = arg(0, "js")
                if node is not None:
                    self.sink("exec", c, taints, f"sink: {q}() (pyimport enabled)", node)
            return
        if q in PICKLE_LOADERS:
            flag, unsafe, default = PICKLE_LOADERS[q]
            setting = next((k.value for k in c.keywords if k.arg == flag), None)
            if self.setting_is(setting, unsafe, default):
                node, taints = arg(0, "file")
                note = f"sink: {q}()"
                if isinstance(setting, ast.Constant):
                    note += f" with {flag}={unsafe}"
                elif setting is not None:
                    note += f" with {flag}={ast.unparse(setting)} ({unsafe} by default)"
                self.sink("deser", c, taints, note, node)
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
        if not taints and arg is not None and self.all_checked(arg, rule.kind):
            fa.status(line, rule.cwe, "sanitised")  # untraced, but checked by a guard
        elif live or (arg is not None and not _constant(arg) and not taints):
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


# guards -------------------------------------------------------------------------------------
@dataclass
class _State:
    """What ``FunctionScan`` knows at one program point (copied per branch)."""

    env: dict[str, list[Taint]]
    checked: dict[str, tuple[frozenset[str], int, str]]
    fixed: dict[str, str]
    parsed: dict[str, str]
    made: dict[str, str]


#: path / URL transformations a check looks through to the checked expression
NORMALISERS = frozenset({"realpath", "abspath", "normpath", "resolve", "absolute"})
URL_PARSERS = frozenset({"urlparse", "urlsplit", "urlunparse", "urlunsplit"})
TRANSPARENT_METHODS = frozenset(
    {"lower", "upper", "casefold", "strip", "lstrip", "rstrip", "decode", "encode"}
)
TRANSPARENT_CALLS = frozenset({"str", "os.fspath", "fspath", "Path", "PurePath", "PosixPath"})
HOST_ATTRS = frozenset({"netloc", "hostname", "host", "scheme", "port"})
CHARSET_CHECKS = frozenset({"isdigit", "isdecimal", "isnumeric", "isalnum", "isidentifier"})
#: predicate names that answer "is this value acceptable": is_safe_url(),
#: url_has_allowed_host_and_scheme(), allowed_file(), is_valid_path()...
PREDICATE = re.compile(
    r"(^|_)(is_?)?(safe|valid|validates?|allowed|trusted|permitted|whitelisted|allowlisted)"
    r"(_|$)",
    re.I,
)
#: a call statement whose result is unused and whose name says it validates its argument
VALIDATOR_CALL = re.compile(r"^_*(validate|verify|sanitize|sanitise|check|ensure)(_|[A-Z]|$)")
#: what a whole-value validation (a validator, a fully anchored regex) protects
VALIDATED = frozenset({"path", "ssrf", "redirect", "sql", "cmd", "ldap", "xpath", "xss"})


def _terminates(body: list[ast.stmt]) -> str | None:
    """``"return"`` when ``body`` always leaves the function (raise, return, abort(),
    sys.exit()), ``"loop"`` when it leaves the loop iteration (break/continue), else None."""
    if not body:
        return None
    last = body[-1]
    if isinstance(last, (ast.Raise, ast.Return)):
        return "return"
    if isinstance(last, (ast.Break, ast.Continue)):
        return "loop"
    if isinstance(last, ast.Expr) and isinstance(last.value, ast.Call):
        f = last.value.func
        name = f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else ""
        return "return" if name in {"abort", "exit", "_exit", "fail"} else None
    if isinstance(last, ast.If) and last.orelse:
        a, b = _terminates(last.body), _terminates(last.orelse)
        if a and b:
            return "loop" if "loop" in (a, b) else "return"
    if isinstance(last, (ast.With, ast.AsyncWith)):
        return _terminates(last.body)
    return None


def _meet(a: frozenset[str], b: frozenset[str]) -> frozenset[str]:
    """Sink kinds safe on both paths ("all" covers every kind)."""
    if "all" in a:
        return b
    if "all" in b:
        return a
    return a & b


def _mark_kinds(marks: set[str]) -> frozenset[str]:
    """The sink kinds a set of proven facts about one value makes it safe for:

    * ``allow``: equal to a constant / member of an allow-list / digits only -> all;
    * ``fixed``: starts with a fixed origin ("/x", "https://host/", a configured base),
      ``host``: its parsed host was checked -> redirect, SSRF;
    * ``rooted`` + ``noproto`` + ``noback``: starts with "/" but not "//" nor "/\\"
      -> redirect; ``noproto`` alone -> enough for a request path only (the ``noproto``
      taint mark);
    * ``contained``: normalised and checked against a base; ``nodotdot``: has no ".."
      -> path;
    * ``predicate``: passed is_safe_url()-like check -> redirect, path, SSRF;
    * ``regex``: matched a fully anchored pattern -> every string-injection kind."""
    if "allow" in marks:
        return frozenset({"all"})
    kinds: set[str] = set()
    if marks & {"fixed", "host"}:
        kinds |= {"redirect", "ssrf"}
    if {"rooted", "noproto", "noback"} <= marks:
        kinds.add("redirect")
    elif "noproto" in marks:
        kinds.add("noproto")
    if marks & {"contained", "nodotdot"}:
        kinds.add("path")
    if "predicate" in marks:
        kinds |= {"redirect", "path", "ssrf"}
    if "regex" in marks:
        kinds |= VALIDATED
    return frozenset(kinds)


def _prefixes(arg: ast.expr) -> list[str | None]:
    """The prefixes of ``x.startswith(arg)``: strings, None for a non-literal one."""
    items = arg.elts if isinstance(arg, (ast.Tuple, ast.List)) else [arg]
    return [
        i.value if isinstance(i, ast.Constant) and isinstance(i.value, str) else None for i in items
    ]


def _startswith_marks(prefixes: list[str | None], pos: bool) -> set[str]:
    classes = []
    for p in prefixes:
        if p is None or ORIGIN_FIXED.match(p):
            classes.append("fixed")  # a literal origin, or a configured base
        elif p == "/":
            classes.append("rooted")
        elif p.startswith("//"):
            classes.append("proto")
        elif p.startswith(("/\\", "\\")):
            classes.append("backslash")  # browsers read "/\\host" like "//host"
        else:
            classes.append("other")  # "http", "https://": says nothing about the host
    if not classes:
        return set()
    if pos:
        if all(c == "fixed" for c in classes):
            return {"fixed"}
        if all(c in ("fixed", "rooted") for c in classes):
            return {"rooted"}
        return set()
    out = set()
    if "proto" in classes:
        out.add("noproto")
        if "backslash" in classes:
            out.add("noback")
    return out


_REGEX_NOISE = re.compile(r"\[[^\]]*\]|\\[wdsWDSbBAZ]|\(\?[:=!<]")


def scheme_only_pattern(pattern: str) -> bool:
    """A URL regular expression that pins the scheme but no host (``^https?://``):
    whatever follows ``//`` is free, so it is no open-redirect or SSRF check."""
    p = pattern.replace("\\/", "/").replace("\\:", ":")
    i = p.find("//")
    if i < 0:
        return bool(re.match(r"^\^?\(?[a-z]+s?\??\)?\??:", p, re.I)) and len(p) < 16
    rest = _REGEX_NOISE.sub("", p[i + 2 :]).split("/")[0]
    return not re.search(r"[A-Za-z0-9-]{2,}", rest)


def scheme_only_prefix(prefix: str) -> bool:
    """A ``startswith`` prefix that pins at most the scheme ("http", "https://")."""
    return bool(re.fullmatch(r"[A-Za-z][A-Za-z0-9+.-]*(:/{0,2})?", prefix)) and not (
        ORIGIN_FIXED.match(prefix)
    )


def _regex_marks(pattern: str | None, how: str, pos: bool) -> set[str]:
    """Facts of ``re.<how>(pattern, x)`` being ``pos`` (pattern None: not a literal)."""
    if pattern is None:
        if not pos:
            return set()
        return {"regex"} if how == "fullmatch" else {"predicate"}
    if not pos:  # "no forbidden character": re.search(r"[^\w.-]", x) is false
        if re.fullmatch(r"\[\^[^\]]*\][+*]?", pattern):
            return {"regex"}
        return {"nodotdot"} if ".." in pattern.replace("\\.", ".") else set()
    start = how in ("match", "fullmatch") or pattern.startswith(("^", "\\A"))
    end = how == "fullmatch" or pattern.endswith(("$", "\\Z", "\\z"))
    if "//" in pattern.replace("\\/", "/"):
        return set() if not start or scheme_only_pattern(pattern) else {"fixed"}
    if start and scheme_only_pattern(pattern):
        return set()
    return {"regex"} if start and end else set()


def _slash_stripped(parts: list[ast.expr], first: int) -> str | None:
    """``"/" + p.lstrip("/")``: a rooted path whose second character is not "/", so the
    URL stays on this host ("redirect"; "noproto" when backslashes are not stripped:
    safe for a request path, which browsers never send with a raw backslash)."""
    prefix = parts[:first]
    if not (len(prefix) == 1 and isinstance(prefix[0], ast.Constant) and prefix[0].value == "/"):
        return None
    p = parts[first]
    if not (
        isinstance(p, ast.Call)
        and isinstance(p.func, ast.Attribute)
        and p.func.attr in ("strip", "lstrip")
        and p.args
        and isinstance(p.args[0], ast.Constant)
        and isinstance(p.args[0].value, str)
        and "/" in p.args[0].value
    ):
        return None
    return "redirect" if "\\" in p.args[0].value else "noproto"


def _self_attributes(
    assigns: list[tuple[ast.stmt, str, ast.expr | None]],
    inits: list[ast.FunctionDef | ast.AsyncFunctionDef],
) -> tuple[set[str], dict[str, object]]:
    """From every ``self.<attr> = value`` of the file: the attributes only ever assigned
    the result of compile() (code objects), and those only ever set, at the top of a
    constructor, from a parameter with a constant default (``def __init__(self,
    allow_pickle=True): self.allow_pickle = allow_pickle``) -> that default."""
    from_default: dict[int, object] = {}  # id(assignment) -> the parameter's default
    for fn in inits:
        a = fn.args
        defaults: dict[str, object] = {}
        positional = [*a.posonlyargs, *a.args]
        for p, d in zip(reversed(positional), reversed(a.defaults), strict=False):
            if isinstance(d, ast.Constant):
                defaults[p.arg] = d.value
        for p, d in zip(a.kwonlyargs, a.kw_defaults, strict=True):
            if isinstance(d, ast.Constant):
                defaults[p.arg] = d.value
        for stmt in fn.body:
            if (
                isinstance(stmt, ast.Assign)
                and isinstance(stmt.value, ast.Name)
                and stmt.value.id in defaults
            ):
                from_default[id(stmt)] = defaults[stmt.value.id]
    code: dict[str, bool] = {}
    default: dict[str, object] = {}
    other: set[str] = set()
    for node, attr, value in assigns:
        compiled = (
            isinstance(value, ast.Call)
            and isinstance(value.func, ast.Name)
            and value.func.id == "compile"
        )
        code[attr] = code.get(attr, True) and compiled
        if id(node) in from_default and attr not in default:
            default[attr] = from_default[id(node)]
        else:
            other.add(attr)
    return (
        {k for k, v in code.items() if v},
        {k: v for k, v in default.items() if k not in other},
    )
