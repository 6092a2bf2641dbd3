"""Python security analysis: DevLab's tree-sitter taint engine, plus bandit.

* ``scan_python_source(path, text)`` -> findings for one file;
* ``scan_python_project(files)`` -> findings for a set of files analysed together
  (calls into other files of the project follow their summaries);
* ``analyze_python_security(db, project)`` -> a ``SecurityReport`` over the Python files
  of the project's current snapshot (texts are scrubbed: secrets are ``<REDACTED:...>``).

DevLab's engine (``devlab.reverse.security.python_ts``) parses with tree-sitter, so no
file is left unanalysed because the server's Python is older than the code (PEP 701
f-strings, ``type`` statements). Bandit runs as an extra source of findings on the files
its parser (the interpreter's ``ast``) accepts; a file it cannot parse is only noted.

Merging with bandit: bandit CWEs are normalised to DevLab's (``BANDIT_CWE``), CWEs of one
family compare equal (``CWE_FAMILY``). Same line + same CWE family -> one finding:
DevLab's (it carries the taint path), noting bandit's test id. A bandit finding that only
says an API is used (``PRESENCE_FAMILIES``: commands, SQL, eval, deserialisation, XML,
hashes, randomness...; any import check, B4xx) with no DevLab data flow on that line becomes
low / low
("presence only"): the default view holds only findings with a data flow or a
definitely dangerous configuration.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from pydantic import BaseModel, Field

from devlab.codebase import (
    WorkerPool,
    require_snapshot,
    resolve_project,
    shared_pool,
    snapshot_texts,
)
from devlab.reverse.models import SEVERITY_ORDER, Finding
from devlab.reverse.security import python_scan  # noqa: F401 - registers PyAnalysis.scan_class
from devlab.reverse.security.python_ts import PythonProject, _module_candidates, unredact
from devlab.store import Database

__all__ = [
    "SecurityReport",
    "analyze_python_security",
    "scan_python_project",
    "scan_python_source",
]

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
CWE_FAMILY = {
    "CWE-328": "CWE-327",
    "CWE-916": "CWE-327",
    "CWE-95": "CWE-94",
    "CWE-259": "CWE-798",
    "CWE-1004": "CWE-614",
    "CWE-338": "CWE-330",
}
#: bandit findings that say only "this API is used": without a DevLab flow, low / low;
#: so are bandit's import checks (B401-B415: ``import ftplib``, ``import pickle``...);
#: clear text (CWE-319: any ftplib / telnetlib call) is judged by DevLab's transport rules
PRESENCE_FAMILIES = frozenset(
    {"CWE-78", "CWE-89", "CWE-94", "CWE-502", "CWE-611", "CWE-79", "CWE-22", "CWE-918",
     "CWE-601", "CWE-327", "CWE-330", "CWE-90", "CWE-643", "CWE-319"}
)  # fmt: skip
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
CONFIDENCE_ORDER = {"low": 0, "medium": 1, "high": 2}


class SecurityReport(BaseModel):
    project: str
    snapshot_id: int
    files: int = 0
    findings: list[Finding] = Field(default_factory=list)
    errors: list[tuple[str, str]] = Field(default_factory=list)  # (path, message)
    #: files no analysis could read (binary, undecodable): loud in summaries and --json
    unanalysed: list[tuple[str, str]] = Field(default_factory=list)
    #: files bandit's parser rejected (DevLab's engine still analysed them)
    bandit_skipped: int = 0


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
            issue_path = names.get(issue.fname)
            if issue_path is None:
                continue
            lines = split.get(issue_path)
            if lines is None:
                lines = split[issue_path] = files[issue_path].splitlines()
            span = issue.linerange or [issue.lineno]
            start, end = min(span), max(span)
            cwe = BANDIT_CWE.get(issue.test_id) or (
                f"CWE-{issue.cwe.id}" if issue.cwe and issue.cwe.id else None
            )
            out[issue_path].append(
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
                    path=issue_path,
                    start_line=start,
                    end_line=end,
                    snippet="\n".join(lines[start - 1 : end]).strip(),
                    fix=BANDIT_FIX.get(
                        issue.test_id, "See the bandit documentation for " + issue.test_id + "."
                    ),
                )
            )
    return out, errors


# merge + API --------------------------------------------------------------------------------
def _merge(own: list[Finding], bandit: list[Finding]) -> list[Finding]:
    best: dict[tuple[int, str | None], Finding] = {}
    for f in own:
        key = (f.start_line, _family(f.cwe))
        cur = best.get(key)
        rank = (bool(f.taint_path), SEVERITY_ORDER[f.severity])
        if cur is None or rank > (bool(cur.taint_path), SEVERITY_ORDER[cur.severity]):
            best[key] = f
    rest: list[Finding] = []
    for b in bandit:
        key = (b.start_line, _family(b.cwe))
        mine = best.get(key)
        if mine is not None:
            best[key] = mine.model_copy(
                update={"message": f"{mine.message} (also bandit {b.rule_id[7:]})"}
            )
            continue
        if _family(b.cwe) in PRESENCE_FAMILIES or b.rule_id[7:9] == "B4":
            b = b.model_copy(
                update={
                    "severity": "low",
                    "confidence": "low",
                    "message": f"{b.message} (presence only: DevLab's data flow found no "
                    "untrusted data or dangerous setting reaching this call.)",
                }
            )
        rest.append(b)
    out = list(best.values()) + rest
    out.sort(key=lambda f: (f.start_line, -SEVERITY_ORDER[f.severity], f.rule_id))
    return out


_IMPORT = re.compile(r"^[ \t]*(?:from[ \t]+(\.*[\w.]*)[ \t]+import|import[ \t]+([\w.]+))", re.M)


def local_imports(path: str, text: str, index: PythonProject) -> list[str]:
    """The project files ``path`` imports (cheap: import lines matched against the
    project's paths, ``index`` built once per project)."""
    out: list[str] = []
    for m in _IMPORT.finditer(text[:200_000]):
        mod = m.group(1) or m.group(2) or ""
        level = len(mod) - len(mod.lstrip("."))
        for cand in _module_candidates(mod.lstrip("."), level, path):
            hit = index.by_suffix.get(cand)
            if hit is not None and hit != path and hit not in out:
                out.append(hit)
                break
    return out[:50]


_FROM_IMPORT = re.compile(r"^[ \t]*from[ \t]+(\.*[\w.]*)[ \t]+import[ \t]+\(?([\w, \t]+)", re.M)


def called_from_elsewhere(texts: dict[str, str], index: PythonProject) -> set[tuple[str, str]]:
    """(path, name) of every function another project file imports by name: those are
    called from inside the project, not untraced entry points."""
    out: set[tuple[str, str]] = set()
    for path, text in texts.items():
        for m in _FROM_IMPORT.finditer(text[:200_000]):
            mod = m.group(1)
            level = len(mod) - len(mod.lstrip("."))
            where = index.resolve_path(mod.lstrip("."), level, path)
            if where is not None:
                for name in m.group(2).split(","):
                    name = name.strip().split(" ")[0]
                    if name:
                        out.add((where, name))
    return out


def _own(path: str, project: PythonProject) -> list[Finding]:
    """DevLab's findings located in ``path``, and those its data caused in other files."""
    fa = project.analysis(path)
    fa.run()
    out = list(fa.results())
    for other in sorted(fa.cross_file):
        out += [f for f in project.analysis(other).results() if f.taint_path]
    return out


def scan_python_project(files: dict[str, str]) -> tuple[list[Finding], list[tuple[str, str]]]:
    """(findings, files bandit could not parse) of Python files analysed together."""
    project = PythonProject({p: unredact(t) for p, t in files.items()})
    own: list[Finding] = []
    for path in files:
        project.analysis(path).run()
    for path in files:
        own += project.analysis(path).results()
    bandit, errors = _bandit(files)
    by_path: dict[str, list[Finding]] = {}
    for f in own:
        by_path.setdefault(f.path, []).append(f)
    out: list[Finding] = []
    for path in files:
        out += _merge(by_path.get(path, []), bandit.get(path, []))
    return out, errors


def scan_python_source(path: str, text: str) -> list[Finding]:
    """All security findings of one Python file (never a syntax error: tree-sitter reads
    any Python version, and a broken file as far as it parses)."""
    if "\x00" in text[:4096]:
        raise ValueError(f"{path} looks binary (NUL bytes), not Python source")
    return scan_python_project({path: text})[0]


def _scan_python_item(
    item: tuple[str, str, dict[str, str], frozenset[str]],
) -> tuple[str, list[Finding], str | None, list[tuple[str, str]]]:
    """``(path, findings, why it was not analysed or None, bandit's complaints)`` of one
    ``(path, text, {imported project file: text}, names other files import from it)``.
    Runs in a pool worker."""
    path, text, deps, imported_names = item
    if "\x00" in text[:4096]:
        return path, [], "binary file (NUL bytes)", []
    try:
        project = PythonProject({p: unredact(t) for p, t in {path: text, **deps}.items()})
        project.called |= {(path, n) for n in imported_names}
        own = _own(path, project)
    except (RecursionError, ValueError) as exc:
        return path, [], f"analysis failed: {exc!r}", []
    bandit, errors = _bandit({path: text})
    mine = [f for f in own if f.path == path]
    others = [f for f in own if f.path != path]
    return path, _merge(mine, bandit[path]) + others, None, errors


def analyze_python_security(
    db: Database, project: str | int, *, pool: WorkerPool | None = None
) -> SecurityReport:
    """Security findings of every Python file in the project's current snapshot.

    Each file is analysed with the project files it imports (so helpers in other files
    are followed), one file per task in ``pool``; a file no analysis could read is listed
    in ``unanalysed`` (and ``errors``); bandit's parse failures only in ``errors``."""
    ref = resolve_project(db, project)
    report = SecurityReport(project=ref.name, snapshot_id=require_snapshot(ref))
    texts = {t.path: t.text for t in snapshot_texts(db, project, languages=["python"])}
    index = PythonProject(dict.fromkeys(texts, ""))  # paths only: the import resolver
    called: dict[str, set[str]] = {}
    for where, name in called_from_elsewhere(texts, index):
        called.setdefault(where, set()).add(name)
    items = (
        (p, t, {d: texts[d] for d in local_imports(p, t, index)}, frozenset(called.get(p, ())))
        for p, t in texts.items()
    )
    bandit_errors: list[tuple[str, str]] = []
    seen: set[tuple[str, str, int, str | None]] = set()
    with shared_pool(pool) as workers:
        for path, findings, error, errors in workers.map(_scan_python_item, items):
            report.files += 1
            if error is not None:
                report.errors.append((path, error))
                report.unanalysed.append((path, error))
            for f in findings:
                key = (f.rule_id, f.path, f.start_line, f.cwe)
                if key not in seen:
                    seen.add(key)
                    report.findings.append(f)
            bandit_errors.extend(errors)
    report.bandit_skipped = len(bandit_errors)
    return report
