"""Python security analysis: bandit (as a library) plus DevLab's own rules.

* ``scan_python_source(path, text)`` -> findings for one file;
* ``analyze_python_security(db, project)`` -> a ``SecurityReport`` over the Python files
  of the project's current snapshot (texts are scrubbed: secrets are ``<REDACTED:...>``).

DevLab's rules: the taint rules in ``devlab.reverse.taint`` (injection, traversal,
deserialisation, SSRF, redirect, XSS, XXE, LDAP, XPath, trust boundary) and the
configuration rules here (cookies, weak password hashing, insecure randomness for
secrets, TLS verification off, debug mode, hard-coded credentials, lxml parsers that
resolve entities).

Merging with bandit: bandit CWEs are normalised to DevLab's (``BANDIT_CWE``), CWEs of one
family compare equal (``CWE_FAMILY``). Same line + same CWE family -> one finding: DevLab's
(it carries the taint path), noting bandit's test id; where DevLab could not trace the
value (no taint path), bandit's higher severity and confidence are kept. A bandit finding
on a sink DevLab proved fed only by constants or sanitised data (or a weak hash of a
non-password) is kept at low severity / low confidence with a note.
"""

from __future__ import annotations

import ast
import tempfile
from pathlib import Path

from pydantic import BaseModel, Field

from devlab.codebase.parallel import WorkerPool, shared_pool
from devlab.codebase.projects import require_snapshot, resolve_project, snapshot_texts
from devlab.reverse.models import SEVERITY_ORDER, Finding
from devlab.reverse.taint import (
    CRED_NAME,
    CRED_NOT,
    PASSWORDISH,
    RANDOM_SECRET_NAME,
    REDACTED,
    FileTaintAnalysis,
)
from devlab.store.db import Database

__all__ = ["SecurityReport", "analyze_python_security", "scan_python_source"]

BANDIT_CWE = {
    "B105": "CWE-798",
    "B106": "CWE-798",
    "B107": "CWE-798",
    "B301": "CWE-502",
    "B302": "CWE-502",
    "B506": "CWE-502",
    "B307": "CWE-95",
    "B102": "CWE-94",
    "B303": "CWE-327",
    "B324": "CWE-327",
    "B311": "CWE-330",
    "B501": "CWE-295",
    "B201": "CWE-489",
    "B608": "CWE-89",
    "B602": "CWE-78",
    "B605": "CWE-78",
    "B604": "CWE-78",
    "B609": "CWE-78",
    "B310": "CWE-918",
    "B704": "CWE-79",
    "B703": "CWE-79",
    "B701": "CWE-79",
    "B702": "CWE-79",
    **{f"B{n}": "CWE-611" for n in range(313, 321)},
}
CWE_FAMILY = {"CWE-328": "CWE-327", "CWE-916": "CWE-327", "CWE-95": "CWE-94", "CWE-259": "CWE-798"}
BANDIT_FIX = {
    "B101": "Raise an exception instead of assert for checks that must hold in production.",
    "B102": "Avoid exec(); map inputs to a fixed set of operations.",
    "B104": "Bind to a specific interface (127.0.0.1) unless exposure is intended.",
    "B105": "Read the secret from the environment or a secrets manager.",
    "B106": "Read the secret from the environment or a secrets manager.",
    "B107": "Read the secret from the environment or a secrets manager.",
    "B108": "Use tempfile.mkstemp()/TemporaryDirectory() instead of fixed /tmp paths.",
    "B110": "Log the exception instead of silently passing.",
    "B201": "Never run Flask with debug=True in production; read it from configuration.",
    "B301": "Do not unpickle untrusted data; use json.",
    "B303": "Use hashlib.sha256 or better (for passwords: bcrypt/argon2/scrypt).",
    "B324": "Use hashlib.sha256 or better, or pass usedforsecurity=False for non-security use.",
    "B307": "Use ast.literal_eval() instead of eval().",
    "B311": "Use the secrets module for security-sensitive random values.",
    "B314": "Parse untrusted XML with defusedxml.",
    "B501": "Do not disable certificate verification (verify=False).",
    "B506": "Use yaml.safe_load().",
    "B602": "Pass a list of arguments without shell=True.",
    "B605": "Use subprocess.run([...]) without a shell.",
    "B608": "Use a parameterised query.",
}
LXML_PARSERS = {"lxml.etree.XMLParser", "lxml.etree.XMLPullParser", "lxml.etree.ETCompatXMLParser"}
CONFIDENCE_ORDER = {"low": 0, "medium": 1, "high": 2}
HASH_FUNCS = {"hashlib.md5", "hashlib.sha1", "md5", "sha1"}
RANDOM_FUNCS = {
    "random.random",
    "random.randint",
    "random.choice",
    "random.choices",
    "random.randrange",
    "random.getrandbits",
    "random.sample",
    "random.uniform",
    "random.shuffle",
}


class SecurityReport(BaseModel):
    project: str
    snapshot_id: int
    files: int = 0
    findings: list[Finding] = Field(default_factory=list)
    errors: list[tuple[str, str]] = Field(default_factory=list)  # (path, message)


def _family(cwe: str | None) -> str | None:
    return CWE_FAMILY.get(cwe or "", cwe)


# bandit -----------------------------------------------------------------------------------
def _bandit(files: dict[str, str]) -> tuple[dict[str, list[Finding]], list[tuple[str, str]]]:
    """Run bandit over ``files`` (path -> text) written to a temporary tree."""
    from bandit.core import config as b_config
    from bandit.core import manager as b_manager

    out: dict[str, list[Finding]] = {p: [] for p in files}
    errors: list[tuple[str, str]] = []
    with tempfile.TemporaryDirectory(prefix="devlab-bandit-") as tmp:
        names: dict[str, str] = {}
        for i, (path, text) in enumerate(files.items()):
            f = Path(tmp) / f"f{i}.py"
            f.write_text(text, encoding="utf-8")
            names[str(f)] = path
        # bandit tokenizes every file (pure-Python ``tokenize``) to find ``# nosec``
        # comments; where no text has one, skipping that gives the same issues, faster
        no_nosec = not any("nosec" in text for text in files.values())
        mgr = b_manager.BanditManager(
            b_config.BanditConfig(), "file", quiet=True, ignore_nosec=no_nosec
        )
        mgr.discover_files(list(names), recursive=False)
        mgr.run_tests()
        for fname, why in mgr.skipped:
            if fname in names:
                errors.append((names[fname], f"bandit: {why}"))
        split: dict[str, list[str]] = {}
        for issue in mgr.get_issue_list():
            path = names.get(issue.fname)
            if path is None:
                continue
            lines = split.get(path)
            if lines is None:
                lines = split[path] = files[path].splitlines()
            span = issue.linerange or [issue.lineno]
            start, end = min(span), max(span)
            cwe = BANDIT_CWE.get(issue.test_id) or (
                f"CWE-{issue.cwe.id}" if issue.cwe and issue.cwe.id else None
            )
            out[path].append(
                Finding(
                    rule_id=f"BANDIT-{issue.test_id}",
                    category="security",
                    title=f"{issue.test_id} {issue.test}",
                    message=issue.text,
                    severity=issue.severity.lower()
                    if issue.severity.lower() in SEVERITY_ORDER
                    else "medium",
                    confidence=issue.confidence.lower()
                    if issue.confidence.lower() in {"high", "medium", "low"}
                    else "low",
                    cwe=cwe,
                    path=path,
                    start_line=start,
                    end_line=end,
                    snippet="\n".join(lines[start - 1 : end]).strip(),
                    fix=BANDIT_FIX.get(
                        issue.test_id, "See the bandit documentation for " + issue.test_id + "."
                    ),
                )
            )
    return out, errors


# configuration rules --------------------------------------------------------------------
def _target_name(t: ast.AST) -> str | None:
    if isinstance(t, ast.Name):
        return t.id
    if isinstance(t, ast.Attribute):
        return t.attr
    if (
        isinstance(t, ast.Subscript)
        and isinstance(t.slice, ast.Constant)
        and isinstance(t.slice.value, str)
    ):
        return t.slice.value
    return None


def _symbols(tree: ast.Module) -> dict[int, str]:
    """line -> enclosing function (Class.method), innermost wins."""
    out: dict[int, str] = {}

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                name = f"{prefix}{child.name}"
                if not isinstance(child, ast.ClassDef):
                    for ln in range(child.lineno, (child.end_lineno or child.lineno) + 1):
                        out[ln] = name
                visit(child, name + ".")
            else:
                visit(child, prefix)

    visit(tree, "")
    return out


def _config_rules(fa: FileTaintAnalysis, path: str) -> None:
    syms = _symbols(fa.tree)
    settings_file = "settings" in path.lower() or "config" in path.lower()

    def add(
        rule_id: str, node: ast.AST, cwe: str, title: str, message: str, sev, conf, fix: str
    ) -> None:
        fa.add(
            rule_id,
            node,
            message,
            severity=sev,
            confidence=conf,
            cwe=cwe,
            title=title,
            fix=fix,
            rule_id=rule_id,
            symbol=syms.get(node.lineno),
        )

    for node in ast.walk(fa.tree):
        if isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for t in targets:
                name = _target_name(t)
                if not name:
                    continue
                _assignment_rules(add, node, name, node.value, settings_file, fa)
        elif isinstance(node, ast.Dict):
            for k, v in zip(node.keys, node.values, strict=True):
                if isinstance(k, ast.Constant) and isinstance(k.value, str):
                    _credential(add, v, k.value, v)
        elif isinstance(node, ast.Call):
            q = fa.qualname(node.func)
            kw = {k.arg: k.value for k in node.keywords if k.arg}
            for k in node.keywords:
                if k.arg:
                    _credential(add, node, k.arg, k.value)
            v = kw.get("verify")
            if isinstance(v, ast.Constant) and v.value is False:
                add(
                    "DL-PY-TLS",
                    node,
                    "CWE-295",
                    "TLS certificate verification disabled",
                    f"{q or 'call'}(verify=False) accepts any certificate: "
                    "traffic can be intercepted.",
                    "high",
                    "high",
                    "Remove verify=False; pass a CA bundle path if the server uses a private CA.",
                )
            if q in LXML_PARSERS and _resolves_entities(kw):
                add(
                    "DL-PY-XXE",
                    node,
                    "CWE-611",
                    "XML parser resolves entities",
                    f"{q}() without resolve_entities=False: lxml before 5.0 expands "
                    "external entities by default, so a document can read local files "
                    "(XXE).",
                    "medium",
                    "medium",
                    "Pass resolve_entities=False (and keep no_network=True), or parse "
                    "untrusted XML with defusedxml.",
                )
            if q in {"ssl._create_unverified_context", "ssl._create_stdlib_context"}:
                add(
                    "DL-PY-TLS",
                    node,
                    "CWE-295",
                    "TLS certificate verification disabled",
                    f"{q}() does not verify certificates.",
                    "high",
                    "high",
                    "Use ssl.create_default_context().",
                )
            d = kw.get("debug")
            if (
                isinstance(node.func, ast.Attribute)
                and node.func.attr == "run"
                and isinstance(d, ast.Constant)
                and d.value is True
            ):
                add(
                    "DL-PY-DEBUG",
                    node,
                    "CWE-489",
                    "Debug mode enabled",
                    "The application runs with debug=True: "
                    "the interactive debugger allows code execution.",
                    "high",
                    "high",
                    "Read the debug flag from configuration and keep it off in production.",
                )
            if (
                isinstance(node.func, ast.Attribute)
                and node.func.attr == "set_cookie"
                and not any(k.arg is None for k in node.keywords)  # **kwargs may set them
            ):
                missing = [
                    f
                    for f in ("secure", "httponly")
                    if not (isinstance(kw.get(f), ast.Constant) and kw[f].value is True)
                ]
                if missing:
                    explicit = any(
                        isinstance(kw.get(f), ast.Constant) and kw[f].value is False
                        for f in missing
                    )
                    add(
                        "DL-PY-COOKIE",
                        node,
                        "CWE-614",
                        "Insecure cookie",
                        f"set_cookie() without {' and '.join(f'{m}=True' for m in missing)}: "
                        "the cookie can leak "
                        "over plain HTTP or to scripts.",
                        "medium",
                        "high" if explicit else "medium",
                        "Pass secure=True, httponly=True and samesite='Lax' (or 'Strict').",
                    )
            if q in HASH_FUNCS or (
                q == "hashlib.new"
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and str(node.args[0].value).lower() in {"md5", "sha1"}
            ):
                data = node.args[1:] if q == "hashlib.new" else node.args
                names = {
                    n.id if isinstance(n, ast.Name) else n.attr
                    for a in data
                    for n in ast.walk(a)
                    if isinstance(n, (ast.Name, ast.Attribute))
                }
                if any(PASSWORDISH.search(n) for n in names):
                    add(
                        "DL-PY-WEAKHASH",
                        node,
                        "CWE-328",
                        "Weak hash for a password",
                        f"{q}() hashes a password: "
                        "fast unsalted hashes are cracked offline in seconds.",
                        "high",
                        "high",
                        "Hash passwords with bcrypt, argon2 (argon2-cffi) or hashlib.scrypt.",
                    )
                elif not (
                    isinstance(kw.get("usedforsecurity"), ast.Constant)
                    and kw["usedforsecurity"].value is False
                ):
                    fa.status(node.lineno, "CWE-327", "benign")
        elif isinstance(node, ast.Return) and node.value is not None:
            fn = syms.get(node.lineno, "")
            if RANDOM_SECRET_NAME.search(fn.rsplit(".", 1)[-1]) and _uses_random(fa, node.value):
                _random(add, node, fn.rsplit(".", 1)[-1])


def _resolves_entities(kw: dict[str, ast.expr]) -> bool:
    """An lxml parser built without resolve_entities=False (or with no_network=False).
    A non-constant setting is the caller's choice and not reported."""
    resolve = kw.get("resolve_entities")
    network = kw.get("no_network")
    if isinstance(network, ast.Constant) and network.value is False:
        return True
    # resolve_entities="internal" (lxml >= 5) expands internal entities only
    return resolve is None or (isinstance(resolve, ast.Constant) and resolve.value is True)


def _uses_random(fa: FileTaintAnalysis, e: ast.AST) -> bool:
    return any(isinstance(n, ast.Call) and fa.qualname(n.func) in RANDOM_FUNCS for n in ast.walk(e))


def _random(add, node: ast.AST, name: str) -> None:
    add(
        "DL-PY-RANDOM",
        node,
        "CWE-330",
        "Insecure randomness for a secret",
        f"'{name}' is generated with the random module, which is predictable.",
        "high",
        "high",
        "Use the secrets module: secrets.token_urlsafe(), secrets.choice(), secrets.token_hex().",
    )


def _credential(add, node: ast.AST, name: str, value: ast.AST) -> None:
    if not (
        isinstance(value, ast.Constant) and isinstance(value.value, str) and value.value.strip()
    ):
        return
    if not CRED_NAME.search(name) or CRED_NOT.search(name):
        return
    text = value.value
    if REDACTED.match(text):
        add(
            "DL-PY-CREDS",
            node,
            "CWE-798",
            "Hard-coded credential",
            f"'{name}' is assigned a secret literal (detected and redacted at ingestion).",
            "high",
            "high",
            "Read the secret from the environment or a secrets manager and rotate the leaked one.",
        )
    elif (
        " " not in text
        and text.lower() not in {name.lower(), "password", "secret", "token"}
        and len(text) >= 4
    ):
        add(
            "DL-PY-CREDS",
            node,
            "CWE-798",
            "Hard-coded credential",
            f"'{name}' is assigned a string literal.",
            "medium",
            "medium",
            "Read the secret from the environment or a secrets manager.",
        )


def _assignment_rules(
    add, node, name: str, value: ast.AST, settings_file: bool, fa: FileTaintAnalysis
) -> None:
    _credential(add, node, name, value)
    const = value.value if isinstance(value, ast.Constant) else None
    if name in {"DEBUG", "debug"} and const is True:
        # a framework's DEBUG lives in settings/config modules; elsewhere it is
        # usually a module's own diagnostics switch
        add(
            "DL-PY-DEBUG",
            node,
            "CWE-489",
            "Debug mode enabled",
            "DEBUG is set to True.",
            "medium" if settings_file else "low",
            "high" if settings_file else "low",
            "Read DEBUG from the environment; keep it False in production.",
        )
    if (
        name in {"SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY"}
        and const is False
    ):
        add(
            "DL-PY-COOKIE",
            node,
            "CWE-614",
            "Insecure cookie",
            f"{name} is False.",
            "medium",
            "high",
            f"Set {name} = True.",
        )
    if RANDOM_SECRET_NAME.search(name) and _uses_random(fa, value):
        _random(add, node, name)


# merge + API --------------------------------------------------------------------------------
def _merge(
    own: list[Finding], bandit: list[Finding], status: dict[tuple[int, str], str]
) -> list[Finding]:
    best: dict[tuple[int, str | None], Finding] = {}
    rest: list[Finding] = []
    for f in own:
        key = (f.start_line, _family(f.cwe))
        cur = best.get(key)
        rank = (bool(f.taint_path), SEVERITY_ORDER[f.severity])
        if cur is None or rank > (bool(cur.taint_path), SEVERITY_ORDER[cur.severity]):
            best[key] = f
    for b in bandit:
        key = (b.start_line, _family(b.cwe))
        if key in best:
            mine = best[key]
            update = {"message": f"{mine.message} (also bandit {b.rule_id[7:]})"}
            if not mine.taint_path:
                # DevLab could not trace the value (no proof either way): bandit's
                # rating of the sink stands where it is higher
                if SEVERITY_ORDER[b.severity] > SEVERITY_ORDER[mine.severity]:
                    update["severity"] = b.severity
                if CONFIDENCE_ORDER[b.confidence] > CONFIDENCE_ORDER[mine.confidence]:
                    update["confidence"] = b.confidence
            best[key] = mine.model_copy(update=update)
            continue
        st = status.get((b.start_line, b.cwe or "")) or status.get(
            (b.start_line, _family(b.cwe) or "")
        )
        if st in {"constant", "sanitised", "benign", "compiled"}:
            why = {
                "constant": "only constants reach this sink",
                "sanitised": "the data passed a sanitiser or a guard",
                "benign": "no password-like value is hashed",
                "compiled": "this runs a code object made by compile(); the compile() "
                "call is the sink that is checked",
            }[st]
            b = b.model_copy(
                update={
                    "severity": "low",
                    "confidence": "low",
                    "message": f"{b.message} (DevLab data flow: {why}.)",
                }
            )
        rest.append(b)
    out = list(best.values()) + rest
    out.sort(key=lambda f: (f.start_line, -SEVERITY_ORDER[f.severity], f.rule_id))
    return out


def _own(path: str, text: str) -> tuple[list[Finding], dict[tuple[int, str], str]]:
    tree = ast.parse(text, filename=path)
    fa = FileTaintAnalysis(path, text, tree)
    fa.run()
    _config_rules(fa, path)
    return fa.findings, fa.sink_status


def scan_python_source(path: str, text: str) -> list[Finding]:
    """All security findings of one Python file. Raises ``SyntaxError`` when it does not parse."""
    own, status = _own(path, text)
    bandit, _ = _bandit({path: text})
    return _merge(own, bandit[path], status)


def _scan_python_item(
    item: tuple[str, str],
) -> tuple[str, list[Finding], str | None, list[tuple[str, str]]]:
    """``(path, findings, why it was not analysed or None, bandit's complaints)`` of one
    ``(path, text)``: DevLab's rules and bandit, merged. Runs in a pool worker."""
    path, text = item
    try:
        own, status = _own(path, text)
    except SyntaxError as exc:
        return path, [], f"syntax error line {exc.lineno}: {exc.msg}", []
    except (RecursionError, ValueError) as exc:
        return path, [], f"analysis failed: {exc!r}", []
    bandit, errors = _bandit({path: text})
    return path, _merge(own, bandit[path], status), None, errors


def analyze_python_security(
    db: Database, project: str | int, *, pool: WorkerPool | None = None
) -> SecurityReport:
    """Security findings of every Python file in the project's current snapshot; a file
    that does not parse is listed in ``errors`` and the rest analysed.

    Files are analysed one per task in ``pool`` (by default a new one over every core,
    started only for a project large enough to be worth it); findings come back in
    path order, and nothing but the findings is kept."""
    ref = resolve_project(db, project)
    report = SecurityReport(project=ref.name, snapshot_id=require_snapshot(ref))
    bandit_errors: list[tuple[str, str]] = []
    items = ((t.path, t.text) for t in snapshot_texts(db, project, languages=["python"]))
    with shared_pool(pool) as workers:
        for path, findings, error, errors in workers.map(_scan_python_item, items):
            report.files += 1
            if error is not None:
                report.errors.append((path, error))
            report.findings.extend(findings)
            bandit_errors.extend(errors)
    report.errors.extend(bandit_errors)  # after the parse errors, as one bandit run gave them
    return report
