"""Security rules for JavaScript, TypeScript (and TSX), Java, Go and Bash over tree-sitter
syntax trees: DevLab's own taint analysis plus configuration / API-misuse rules.

* ``scan_treesitter_source(path, text, language)`` -> the findings of one file;
* ``TREESITTER_SECURITY_LANGUAGES``: the language ids it accepts.

Each language lives in its own module (``security_ts_js``, ``security_ts_java``,
``security_ts_go``, ``security_ts_bash``) on the shared engine in ``security_ts_core``
(one ordered walk per function, same-file function summaries; see its docstring for the
model and the reporting policy). This entry scans one file; JavaScript/TypeScript calls
into other files of a project follow their summaries through ``security_ts_js_project``
(used by ``devlab.reverse.security``'s project doors). Rule ids are ``DL-JS-*``
(TypeScript/TSX share them), ``DL-JAVA-*``, ``DL-GO-*`` and ``DL-SH-*``. The JS, Java
and Go modules (and the core) are entry points over smaller parts: ``<lang>_tables``
(rule data), ``<lang>_names`` (the file analysis) and the scan in layers
``<lang>_scan_base`` / ``_scan_config`` / ``_scan_sinks`` (``security_ts_js`` also
``_scan_guards``, ``_scan_calls``; Bash: ``_tables``, ``_names``, ``_commands``); each
entry module's docstring lists its parts.

Files with syntax errors are analysed as far as tree-sitter parsed them (it is error
tolerant); ``ValueError`` is raised only for an unknown language or non-text input.
Secrets scrubbed at ingestion (``<REDACTED:type>`` outside quotes) are read as string
constants: the markers are rewritten to quoted strings of the same length first, so
lines and columns do not move.
"""

from __future__ import annotations

from devlab.codebase import get_parser
from devlab.reverse.models import Finding
from devlab.reverse.security_ts_bash import BashAnalysis
from devlab.reverse.security_ts_core import FileAnalysis
from devlab.reverse.security_ts_core_rules import unredact
from devlab.reverse.security_ts_go import GoAnalysis
from devlab.reverse.security_ts_java import JavaAnalysis
from devlab.reverse.security_ts_js import JSAnalysis

__all__ = ["TREESITTER_SECURITY_LANGUAGES", "scan_treesitter_source"]

_ANALYSES: dict[str, type[FileAnalysis]] = {
    "javascript": JSAnalysis,
    "typescript": JSAnalysis,
    "tsx": JSAnalysis,
    "java": JavaAnalysis,
    "go": GoAnalysis,
    "bash": BashAnalysis,
}
TREESITTER_SECURITY_LANGUAGES: frozenset[str] = frozenset(_ANALYSES)


def scan_treesitter_source(path: str, text: str, language: str) -> list[Finding]:
    """Security findings of one JavaScript/TypeScript/TSX/Java/Go/Bash file.

    Raises ``ValueError`` for a language without rules or input that is not text; a
    file with syntax errors still gives the findings of the parts that parsed.
    """
    analysis = _ANALYSES.get(language)
    if analysis is None:
        raise ValueError(f"no tree-sitter security rules for language {language!r}")
    if not isinstance(text, str):
        raise ValueError(f"expected source text, got {type(text).__name__}")
    if "\x00" in text[:4096]:
        raise ValueError(f"{path} looks binary (NUL bytes), not {language} source")
    src = unredact(text).encode("utf-8", "replace")
    tree = get_parser(language).parse(src)
    return analysis(path, text, src, tree, language).run()
