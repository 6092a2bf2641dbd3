"""One piece of code analysed on its own (the seed's ``POST /api/v1/devlab/analyze``):
security (the taint and pattern rules), performance (Python's rules) or quality
(per-function metrics and the thresholds' findings), answered at once."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from devlab.errors import InvalidInput
from devlab.reverse.models import Finding
from devlab.reverse.performance import scan_python_performance
from devlab.reverse.quality import (
    LIZARD_LANGUAGES,
    QualityThresholds,
    _analyse_file,
    _function_findings,
    _snippet,
)
from devlab.reverse.security import SNIPPET_EXTENSIONS, scan_snippet

AnalysisType = Literal["security", "performance", "quality"]
MAX_SNIPPET = 1_000_000


class SnippetAnalysisRequest(BaseModel):
    """``POST /analyze``: the seed's body."""

    model_config = ConfigDict(extra="forbid")

    code: str = Field(max_length=MAX_SNIPPET)
    language: str = Field(min_length=1, max_length=40)
    analysis_type: AnalysisType = "security"
    path: str | None = Field(default=None, max_length=1000, description="the file's name")


class SnippetAnalysis(BaseModel):
    analysis_type: AnalysisType
    language: str
    findings: list[Finding]
    metrics: dict[str, float] = Field(
        default_factory=dict, description="quality: the snippet's module metrics"
    )


def analyze_snippet(req: SnippetAnalysisRequest) -> SnippetAnalysis:
    """Findings of one snippet for the asked kind; ``InvalidInput`` for an empty
    snippet, a language the kind has no rules for, or Python that does not parse."""
    if not req.code.strip():
        raise InvalidInput("the code is empty: send the snippet to analyse in 'code'")
    language = req.language.lower()
    path = req.path or f"snippet{SNIPPET_EXTENSIONS.get(language, '.txt')}"
    metrics: dict[str, float] = {}
    if req.analysis_type == "security":
        findings = scan_snippet(req.code, language=language, path=req.path)
    elif req.analysis_type == "performance":
        if language != "python":
            raise InvalidInput("performance rules cover Python snippets; use language 'python'")
        try:
            findings = scan_python_performance(path, req.code)
        except SyntaxError as exc:
            raise InvalidInput(
                f"the Python snippet does not parse: line {exc.lineno}: {exc.msg}"
            ) from exc
    else:
        if language not in LIZARD_LANGUAGES:
            raise InvalidInput(
                f"no quality metrics for language {language!r}; "
                f"choose from {', '.join(sorted(LIZARD_LANGUAGES))}"
            )
        functions, module, _ = _analyse_file(path, language, req.code, [])
        lines = req.code.splitlines()
        thresholds = QualityThresholds()
        findings = [
            f
            for fn in functions
            for f in _function_findings(fn, thresholds, _snippet(lines, fn.start_line, fn.end_line))
        ]
        metrics = {
            "loc": module.loc,
            "functions": module.functions,
            "complexity": module.complexity,
            "maintainability": module.maintainability,
            "halstead_volume": module.halstead_volume,
        }
    return SnippetAnalysis(
        analysis_type=req.analysis_type, language=language, findings=findings, metrics=metrics
    )


__all__ = ["AnalysisType", "SnippetAnalysis", "SnippetAnalysisRequest", "analyze_snippet"]
