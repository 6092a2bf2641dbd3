"""What the doors call: generation for a project's file or a snippet (with the model the
settings configure), test plans, stored results, and the model adapter."""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import select

from devlab.codebase import resolve_project
from devlab.config import Settings
from devlab.errors import InvalidInput, NotFound
from devlab.progress import ProgressFn, report
from devlab.store import Database, TestRunRow
from devlab.testing.generate import ModelFn, check_framework, framework_key, generate_tests
from devlab.testing.gogen import generate_go_tests
from devlab.testing.gorun import GO_SUFFIXES
from devlab.testing.javagen import generate_junit_tests
from devlab.testing.javarun import JAVA_SUFFIXES
from devlab.testing.jsgen import generate_js_tests
from devlab.testing.jsrun import JS_SUFFIXES, TS_SUFFIXES
from devlab.testing.models import (
    FRAMEWORKS,
    GenerateRequest,
    GenerateResult,
    PlanRequest,
    SnippetTestsRequest,
    TestPlan,
)
from devlab.testing.mutation import mutant_tests, mutation_score
from devlab.testing.plan import plan_for_code, plan_for_requirement
from devlab.testing.project import ProjectFiles, load_files
from devlab.testing.snippetlang import is_typescript, with_exports

__all__ = ["generate_for_project", "generate_for_snippet", "get_run", "list_runs", "llm_model"]

SNIPPET_PATH = "snippet.py"


class LLMTestModel:
    """The configured language model for test generation (task kind ``tests``).

    Called as ``(system, user) -> reply`` (every language's generator). Python
    generation also uses ``chat`` and, for a base model (``base``: one that only
    continues text, such as the packaged Gemma 3 270M), ``continue_page``; both stop
    after ``max_tokens`` or once ``seconds`` have passed, returning what was written by
    then (the generation is cancelled, not left running); a base model also stops when
    it repeats a line a third time."""

    def __init__(self, llm: Any, max_tokens: int = 768):
        self.llm, self.max_tokens = llm, max_tokens
        self._base: bool | None = None

    @property
    def base(self) -> bool:
        if self._base is None:
            self._base = bool(self.llm.base_model("tests"))
        return self._base

    def _params(self, stop: list[str] | None = None) -> Any:
        from devlab.llm import GenerationParams

        return GenerationParams(
            max_tokens=self.max_tokens, temperature=0.2, seed=0, stop=stop or []
        )

    def __call__(self, system: str, user: str) -> str:
        return self.chat(system, user, None)

    def chat(self, system: str, user: str, seconds: float | None) -> str:
        """The chat answer, cut where ``seconds`` ran out."""
        from devlab.llm import ChatMessage, Completion

        messages = [
            ChatMessage(role="system", content=system),
            ChatMessage(role="user", content=user),
        ]
        deadline = None if seconds is None else time.monotonic() + seconds
        stream = self.llm.stream("tests", messages, self._params())
        text = ""
        try:
            for piece in stream:
                if isinstance(piece, Completion):
                    return piece.text
                text += piece
                if deadline is not None and time.monotonic() > deadline:
                    break
        finally:
            close = getattr(stream, "close", None)
            if callable(close):
                close()  # stops the generation (the provider cancels on close)
        return text

    def continue_page(self, page: str, seconds: float | None) -> str:
        """A base model's continuation of ``page``, cut where ``seconds`` ran out."""
        deadline = None if seconds is None else time.monotonic() + seconds

        from devlab.testing.pymodel import repeating

        def stop_when(text: str) -> int | None:
            late = deadline is not None and time.monotonic() > deadline
            return len(text) if late or repeating(text) else None

        params = self._params(stop=["\n# File:", "\nif __name__", "\n```"])
        return str(self.llm.complete("tests", page, params, stop_when=stop_when).text)


def llm_model(llm: Any, max_tokens: int = 768) -> ModelFn:
    """The model the doors hand to generation (``LLMTestModel`` over ``LLMService``)."""
    return LLMTestModel(llm, max_tokens)


def _with_mutation(
    pf: ProjectFiles, settings: Settings, result: GenerateResult, progress: ProgressFn | None
) -> None:
    """Mutation score of the project's tests before, and with the kept tests after."""
    report(progress, "mutation", 0, 2, "the project's own tests")
    existing = [t for t in mutant_tests(pf, result.path) if t != result.path]
    before, _ = mutation_score(pf, settings, path=result.path, tests=existing)
    result.mutation_before = before.score if existing else 0.0
    if result.test_code:
        report(progress, "mutation", 1, 2, "with the generated tests")
        after, _ = mutation_score(
            pf,
            settings,
            path=result.path,
            tests=[*existing, result.test_path],
            extra_files={result.test_path: result.test_code},
        )
        result.mutation_after = after.score
        newly = {m.id for m in before.survived} - {m.id for m in after.survived}
        for cand in result.kept:
            cand.kills = sorted(newly) if len(result.kept) == 1 else []
    else:
        result.mutation_after = result.mutation_before
    report(progress, "mutation", 2, 2, f"{result.mutation_before} -> {result.mutation_after}")


def generate_for_project(
    db: Database,
    settings: Settings,
    request: GenerateRequest,
    *,
    model: ModelFn | None,
    progress: ProgressFn | None = None,
    job_id: str | None = None,
) -> GenerateResult:
    """Generate verified tests for a file (or symbol) of an ingested project; stored."""
    language = check_framework(request.framework)
    if language != "python":
        also = (*GO_SUFFIXES, *JAVA_SUFFIXES, *JS_SUFFIXES, *TS_SUFFIXES)
        pf = load_files(db, request.project, also=also)
        result = _generate_other(pf, settings, request.framework, request.path,
                                 request.symbol, request.target_coverage, progress,
                                 model if request.use_model else None)  # fmt: skip
        if request.mutation and language != "java" and framework_key(request.framework) != "jest":
            _with_mutation(pf, settings, result, progress)
        elif request.mutation:
            result.message += "; mutation scores are measured for Python, Go and node:test only"
        _store(db, pf, request.path, result, job_id)
        return result
    pf = load_files(db, request.project)
    result = generate_tests(
        pf,
        settings,
        path=request.path,
        symbol=request.symbol,
        framework=request.framework,
        target_coverage=request.target_coverage,
        model=model if request.use_model else None,
        progress=progress,
    )
    if request.mutation:
        _with_mutation(pf, settings, result, progress)
    _store(db, pf, request.path, result, job_id)
    return result


def _store(
    db: Database, pf: ProjectFiles, path: str, result: GenerateResult, job_id: str | None
) -> None:
    with db.session() as s:
        s.add(
            TestRunRow(
                project_id=pf.project_id,
                snapshot_id=pf.snapshot_id,
                kind="generate",
                status="ok" if result.kept else "nothing_kept",
                path=path,
                line_percent=result.after.line_percent,
                branch_percent=result.after.branch_percent,
                mutation_score=result.mutation_after,
                job_id=job_id,
                summary=result.model_dump(mode="json"),
            )
        )


def _generate_other(
    pf: ProjectFiles,
    settings: Settings,
    framework: str,
    path: str,
    symbol: str | None,
    target: float,
    progress: ProgressFn | None,
    model: ModelFn | None,
) -> GenerateResult:
    """Generation in Go, Java or JavaScript: documented examples (JavaScript), boundary
    and error-path cases from the signatures, then the language model when the target
    is not reached."""
    key = framework_key(framework)
    if FRAMEWORKS[key] == "javascript":
        return generate_js_tests(pf, settings, path=path, symbol=symbol, framework=key,
                                 target_coverage=target, progress=progress,
                                 model=model)  # fmt: skip
    make = generate_go_tests if FRAMEWORKS[key] == "go" else generate_junit_tests
    return make(pf, settings, path=path, symbol=symbol, target_coverage=target,
                progress=progress, model=model)  # fmt: skip


def _snippet_files(language: str, code: str) -> tuple[str, dict[str, str]]:
    """A snippet as a one-file project of its language: (its path, the files)."""
    if language == "go":
        if not any(line.split()[:1] == ["package"] for line in code.splitlines()):
            code = "package snippet\n\n" + code
        return "snippet.go", {"go.mod": "module snippet\n\ngo 1.19\n", "snippet.go": code}
    if language == "java":
        words = code.split()
        names = [words[i + 1].split("{")[0] for i, w in enumerate(words[:-1]) if w == "class"]
        path = f"{names[0]}.java" if names and names[0].isidentifier() else "Snippet.java"
        return path, {path: code}
    if language == "javascript" and is_typescript(code):  # tree-sitter's two grammars
        return "snippet.ts", {"snippet.ts": with_exports(code)}
    if language == "javascript":
        esm = any(line.startswith(("export ", "import ")) for line in code.splitlines())
        path = "snippet.mjs" if esm else "snippet.js"
        if not esm and "module.exports" not in code and "exports." not in code:
            code += "\n" + _export_all(code)
        return path, {path: code}
    return SNIPPET_PATH, {SNIPPET_PATH: code}


def _export_all(code: str) -> str:
    """``module.exports = { ... }`` of a CommonJS snippet's top-level functions and
    classes (a snippet pasted without exports is still testable)."""
    names = []
    for line in code.splitlines():
        for word in ("function ", "async function ", "class "):
            if line.startswith(word):
                rest = line[len(word) :].lstrip("* ")
                name = (
                    "".join(
                        ch
                        for ch in rest.split("(")[0].split("{")[0].split()[0:1][0]
                        if ch.isalnum() or ch in "_$"
                    )
                    if rest.split()
                    else ""
                )
                if name and name not in names:
                    names.append(name)
    return f"module.exports = {{ {', '.join(names)} }};\n" if names else ""


def generate_for_snippet(
    settings: Settings, request: SnippetTestsRequest, *, model: ModelFn | None
) -> GenerateResult:
    """The seed's ``POST /generate/tests``: the snippet is a module ``snippet``."""
    language = check_framework(request.framework)
    path, files = _snippet_files(language, request.code)
    pf = ProjectFiles("snippet", None, None, files)
    if language != "python":
        result = _generate_other(pf, settings, request.framework, path, None,
                                 request.coverage, None,
                                 model if request.use_model else None)  # fmt: skip
        result.project = None
        return result
    result = generate_tests(
        pf,
        settings,
        path=SNIPPET_PATH,
        framework=request.framework,
        target_coverage=request.coverage,
        model=model if request.use_model else None,
    )
    result.project = None
    return result


def list_runs(
    db: Database, project: str | int, kind: str | None = None, limit: int = 50
) -> list[dict[str, Any]]:
    """The project's stored results, newest first (without the full reports)."""
    ref = resolve_project(db, project)
    query = select(TestRunRow).where(TestRunRow.project_id == ref.id)
    if kind:
        query = query.where(TestRunRow.kind == kind)
    with db.session() as s:
        rows = s.scalars(query.order_by(TestRunRow.id.desc()).limit(limit)).all()
        return [
            {
                "id": r.id,
                "kind": r.kind,
                "status": r.status,
                "path": r.path,
                "snapshot_id": r.snapshot_id,
                "line_percent": r.line_percent,
                "branch_percent": r.branch_percent,
                "mutation_score": r.mutation_score,
                "job_id": r.job_id,
                "created_at": r.created_at.isoformat(),
            }
            for r in rows
        ]


def get_run(db: Database, run_id: int) -> dict[str, Any]:
    """One stored result with its whole report."""
    with db.session() as s:
        row = s.get(TestRunRow, run_id)
        if row is None:
            raise NotFound(f"no test run {run_id}: list them with GET /api/v1/devlab/testing/runs")
        return {
            "id": row.id,
            "kind": row.kind,
            "status": row.status,
            "path": row.path,
            "snapshot_id": row.snapshot_id,
            "created_at": row.created_at.isoformat(),
            "report": row.summary,
        }


def plan_tests(db: Database, request: PlanRequest, model: ModelFn | None) -> TestPlan:
    """A test plan for a project's file, a snippet, or a requirement alone."""
    if request.code is not None:
        return plan_for_code(
            request.code, path=request.path or "snippet.py", symbol=request.symbol,
            requirement=request.requirement, model=model,
        )  # fmt: skip
    if request.project and request.path:
        pf = load_files(db, request.project)
        if request.path not in pf.files:
            raise NotFound(f"{request.path!r} is not a Python file of project {pf.name!r}")
        return plan_for_code(
            pf.files[request.path], path=request.path, symbol=request.symbol,
            requirement=request.requirement, model=model,
        )  # fmt: skip
    if request.requirement:
        return plan_for_requirement(request.requirement, model)
    raise InvalidInput("give 'code', or 'project' and 'path', or a 'requirement'")
