"""Security analysis of every language DevLab parses, behind one entry point.

* ``scan_source(path, text, language=None)`` -> findings for one file;
* ``analyze_security(db, project)`` -> a ``SecurityReport`` over the project's current
  snapshot.

Python goes through ``devlab.reverse.security_python`` (DevLab's tree-sitter taint
engine in ``devlab.reverse.security.python_ts``, plus bandit where bandit's parser
accepts the file); JavaScript, TypeScript, Java, Go and Bash through
``devlab.reverse.security_ts`` (DevLab's rules over the tree-sitter syntax trees, on the
same flow core ``devlab.reverse.security_ts_core``; JavaScript/TypeScript calls into other
files of the project follow their summaries: ``devlab.reverse.security_ts_js_project``).
Every language's sources, sinks,
sanitisers and propagators are data: ``tables/<language>.json``, one schema, loaded and
checked by ``devlab.reverse.security_tables``.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from devlab.codebase import (
    WorkerPool,
    detect_language,
    require_snapshot,
    resolve_project,
    shared_pool,
    snapshot_texts,
)
from devlab.errors import InvalidInput
from devlab.reverse.models import Finding
from devlab.reverse.security.python import (
    SecurityReport,
    analyze_python_security,
    scan_python_project,
    scan_python_source,
)
from devlab.reverse.security_ts import TREESITTER_SECURITY_LANGUAGES, scan_treesitter_source
from devlab.reverse.security_ts_js_project import (
    file_contexts,
    language_of,
    scan_js_file,
    scan_js_project,
)
from devlab.store import Database

__all__ = [
    "SECURITY_LANGUAGES",
    "ProjectScan",
    "SecurityReport",
    "analyze_security",
    "scan_project_sources",
    "scan_snippet",
    "scan_source",
    "scan_source_in_project",
]

SECURITY_LANGUAGES: frozenset[str] = frozenset({"python"}) | TREESITTER_SECURITY_LANGUAGES
SNIPPET_EXTENSIONS = {
    "python": ".py",
    "javascript": ".js",
    "typescript": ".ts",
    "tsx": ".tsx",
    "java": ".java",
    "go": ".go",
    "bash": ".sh",
}


def scan_source(path: str, text: str, language: str | None = None) -> list[Finding]:
    """Security findings of one file; the language comes from the path (and shebang)
    when not given. A language DevLab has no security rules for gives no findings.
    Raises ``SyntaxError`` for Python that does not parse."""
    language = language or detect_language(path, text[:256].encode("utf-8", "replace"))
    if language == "python":
        return scan_python_source(path, text)
    if language in TREESITTER_SECURITY_LANGUAGES:
        return scan_treesitter_source(path, text, language)
    return []


class ProjectScan(BaseModel):
    """Findings of a set of files scanned together, and the files not analysed."""

    findings: list[Finding] = Field(default_factory=list)
    unanalysed: list[tuple[str, str]] = Field(default_factory=list)  # (path, why)


def scan_project_sources(files: dict[str, str]) -> ProjectScan:
    """Security findings of the files of one small project (path -> text), analysed
    together so that calls between them are followed (Python; JavaScript/TypeScript).
    A file that cannot be analysed is listed in ``unanalysed`` with the reason."""
    out = ProjectScan()
    python: dict[str, str] = {}
    js: dict[str, str] = {}
    for path, text in files.items():
        language = detect_language(path, text[:256].encode("utf-8", "replace"))
        if language == "python" and "\x00" not in text[:4096]:
            python[path] = text
            continue
        if language_of(path) is not None and "\x00" not in text[:4096]:
            js[path] = text
            continue
        try:
            out.findings.extend(scan_source(path, text, language))
        except (SyntaxError, ValueError, RecursionError) as exc:
            out.unanalysed.append((path, f"{type(exc).__name__}: {exc}"))
    if python:
        try:
            out.findings.extend(scan_python_project(python)[0])
        except (ValueError, RecursionError) as exc:
            out.unanalysed += [(p, f"{type(exc).__name__}: {exc}") for p in python]
    if js:
        try:
            out.findings.extend(scan_js_project(js))
        except (ValueError, RecursionError) as exc:
            out.unanalysed += [(p, f"{type(exc).__name__}: {exc}") for p in js]
    return out


def scan_source_in_project(path: str, files: dict[str, str]) -> list[Finding]:
    """Security findings of one file of a project (``files``: path -> text, ``path``
    among them), analysed with the project files it imports: for JavaScript/TypeScript
    calls into them follow their summaries (and a finding there that this file's data
    caused is included); other languages as ``scan_source``."""
    if path not in files:
        raise InvalidInput(f"{path!r} is not one of the project's files")
    if language_of(path) is None:
        return scan_source(path, files[path])
    js = {p: t for p, t in files.items() if language_of(p) is not None}
    near, importers = file_contexts(js)[path]
    return scan_js_file(path, {path: js[path], **{d: js[d] for d in near}}, importers)


#: one pool task: (path, text, language, {file it imports or that imports it: text},
#: the importers' paths)
_Item = tuple[str, str, str, dict[str, str], tuple[str, ...]]


def _scan_treesitter_item(item: _Item) -> tuple[str, list[Finding], str | None]:
    """``(path, findings, why it failed or None)`` of one ``(path, text, language,
    {project file it imports or that imports it: text}, the importers' paths)``; runs in
    a pool worker."""
    path, text, language, context, importers = item
    try:
        if context:
            return path, scan_js_file(path, {path: text, **context}, importers), None
        return path, scan_treesitter_source(path, text, language), None
    except (RecursionError, ValueError) as exc:
        return path, [], f"analysis failed: {exc!r}"


def _stronger(a: Finding, b: Finding) -> bool:
    """Whether finding ``a`` outranks ``b`` (same rule, file, line and CWE)."""
    rank = {"info": 0, "low": 1, "medium": 2, "high": 3, "critical": 4}
    return (rank.get(a.severity, 0), bool(a.taint_path)) > (
        rank.get(b.severity, 0),
        bool(b.taint_path),
    )


def analyze_security(
    db: Database, project: str | int, *, pool: WorkerPool | None = None
) -> SecurityReport:
    """Security findings of every file in the project's current snapshot whose language
    has rules; a file that fails is listed in ``errors`` and the rest analysed.

    Python files first, then the others, each in path order; the per-file work runs in
    ``pool`` (by default a new one over every core, started only for a project large
    enough to be worth it)."""
    with shared_pool(pool) as workers:
        report = analyze_python_security(db, project, pool=workers)
        ref = resolve_project(db, project)
        require_snapshot(ref)
        texts = [
            (t.path, t.text, t.language)
            for t in snapshot_texts(db, project, languages=TREESITTER_SECURITY_LANGUAGES)
        ]
        js = {p: t for p, t, _lang in texts if language_of(p) is not None}
        contexts = file_contexts(js)

        def item(
            p: str, t: str, lang: str
        ) -> tuple[str, str, str, dict[str, str], tuple[str, ...]]:
            if p not in js:
                return p, t, lang, {}, ()
            near, importers = contexts[p]
            return p, t, lang, {d: js[d] for d in near}, importers

        items = (item(p, t, lang) for p, t, lang in texts)
        best: dict[tuple[str, str, int, str | None], Finding] = {}
        for path, findings, error in workers.map(_scan_treesitter_item, items):
            report.files += 1
            for f in findings:
                key = (f.rule_id, f.path, f.start_line, f.cwe)
                cur = best.get(key)
                if cur is None or _stronger(f, cur):
                    best[key] = f
            if error is not None:
                report.errors.append((path, error))
                report.unanalysed.append((path, error))
        report.findings.extend(best.values())
    return report


def scan_snippet(
    code: str, *, language: str | None = None, path: str | None = None
) -> list[Finding]:
    """Security findings of a piece of code sent on its own (the REST doors' ``code``
    field). The language comes from ``language``, else from ``path``; Python that does
    not parse (tree-sitter's grammar: any Python version) is an ``InvalidInput`` naming
    the line."""
    if language is None and path is None:
        raise InvalidInput("give the snippet's 'language' or a 'path' to detect it from")
    if language is not None and language not in SECURITY_LANGUAGES:
        raise InvalidInput(
            f"no security rules for language {language!r}; "
            f"choose from {', '.join(sorted(SECURITY_LANGUAGES))}"
        )
    name = path or f"snippet{SNIPPET_EXTENSIONS.get(language or '', '')}"
    lang = language or detect_language(name, code[:256].encode("utf-8", "replace"))
    if lang == "python":
        # a project file is analysed as far as it parses; a snippet sent on its own that
        # does not parse is more likely a paste error: say where (tree-sitter's grammar,
        # so any Python version's syntax is accepted)
        line = first_syntax_error(code)
        if line is not None:
            raise InvalidInput(f"the Python snippet does not parse: line {line}")
    return scan_source(name, code, language)


def first_syntax_error(code: str) -> int | None:
    """1-based line of the first syntax error tree-sitter finds in Python ``code``."""
    from devlab.reverse.security.python_ts import parse_tree

    root = parse_tree(code).root_node
    if not root.has_error:
        return None
    stack = [root]
    while stack:
        n = stack.pop()
        if n.type == "ERROR" or n.is_missing:
            return n.start_point[0] + 1
        stack.extend(reversed([c for c in n.children if c.has_error or c.is_missing]))
    return 1
