"""``build_dataset``: a snapshot (or several) in, a dataset version out.

Reading order::

    check the request -> load each project from the store (licence filter)
    -> extract in the process pool (worker.process_batch: redact, parse once, build,
       augment, annotate, sign) -> link code to tests -> git history kinds
    -> consented user corrections (feedback.feedback_examples)
    -> decontaminate -> near dedup (units) -> exact dedup (examples) -> quality, cap
    -> validate bug-fix / refactor pairs in the sandbox -> split
    -> write JSONL + Parquet, provenance, card and plots into a staging directory
    -> rename it into place and record the version in the store

The staging directory is renamed only when everything is written, and the row only
added after that, so a crash leaves the previous versions exactly as they were.
"""

from __future__ import annotations

import json
import shutil
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from functools import partial
from typing import Any

from devlab.codebase import PARSED_LANGUAGES, WorkerPool, default_workers
from devlab.config import Settings
from devlab.errors import InvalidInput
from devlab.progress import ProgressFn, report
from devlab.store import Database, DatasetRow, crypto, utcnow
from devlab.training.datasets.card import render_card, write_plots
from devlab.training.datasets.catalog import (
    datasets_root,
    next_version,
    record_dataset,
    validate_name,
)
from devlab.training.datasets.decontam import Decontaminator, load_needles
from devlab.training.datasets.dedup import near_duplicates
from devlab.training.datasets.errors import UnknownKind
from devlab.training.datasets.export import write_split_files
from devlab.training.datasets.feedback import feedback_examples
from devlab.training.datasets.history import files_at, find_repo, read_history
from devlab.training.datasets.inputs import ProjectInputs, load_project
from devlab.training.datasets.linking import TestLinks, link_tests
from devlab.training.datasets.models import (
    AUGMENTATIONS,
    HISTORY_KINDS,
    KINDS,
    OPERATORS,
    BuildReport,
    DatasetBuildRequest,
    DatasetConfig,
    DatasetInfo,
)
from devlab.training.datasets.pairs import (
    apply_validation,
    attach_tests,
    bugfix_jobs,
    code_to_tests,
    history_examples,
    refactor_jobs,
)
from devlab.training.datasets.splits import assign_splits, check_ratios
from devlab.training.datasets.units import FileTask
from devlab.training.datasets.validate import ValidationJob, run_validations
from devlab.training.datasets.worker import BatchResult, UnitMeta, WorkerConfig, process_batch

__all__ = ["BuildReport", "build_dataset", "check_config"]

BATCH_BYTES = 256 * 1024
BATCH_FILES = 48
MIN_BATCHES_FOR_POOL = 4
LogFn = Callable[[str], None]


def _licence_policy(cfg: DatasetConfig, projects: list) -> str:  # type: ignore[type-arg]
    """How the licence filter decided, per project: own code keeps every licence."""
    allow = f"allow-list: {', '.join(cfg.licenses)}; unknown licences dropped"
    own = [p.name for p in projects if p.own_code]
    if not own:
        return f"({allow})"
    others = [p.name for p in projects if not p.own_code]
    text = f"(own code, every licence kept except vendored folders: {', '.join(own)}"
    return text + (f"; {allow}: {', '.join(others)})" if others else ")")


def _unknown(what: str, given: list[str], known: tuple[str, ...]) -> None:
    bad = [g for g in given if g not in known]
    if bad:
        raise UnknownKind(
            f"unknown {what} {', '.join(map(repr, bad))}: choose from {', '.join(known)}",
            detail={"known": list(known)},
        )


def check_config(cfg: DatasetConfig) -> DatasetConfig:
    """Reject unknown kinds, operators, augmentations, languages and bad split ratios
    before any work (400 / 422 with the known values)."""
    if not cfg.kinds:
        raise UnknownKind(f"no kinds given: choose from {', '.join(KINDS)}")
    _unknown("kind", cfg.kinds, KINDS)
    _unknown("kind", cfg.augment_kinds, KINDS)
    _unknown("mutation operator", cfg.operators, OPERATORS)
    _unknown("augmentation", cfg.augmentations, AUGMENTATIONS)
    if cfg.languages:
        bad = sorted(set(cfg.languages) - PARSED_LANGUAGES)
        if bad:
            raise InvalidInput(
                f"unknown language(s) {', '.join(bad)}: choose from "
                f"{', '.join(sorted(PARSED_LANGUAGES))}"
            )
    check_ratios(cfg.split_ratios)
    return cfg


def _batches(tasks: list[FileTask]) -> Iterator[list[FileTask]]:
    batch: list[FileTask] = []
    size = 0
    for task in tasks:
        batch.append(task)
        size += len(task.text)
        if size >= BATCH_BYTES or len(batch) >= BATCH_FILES:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


class _Timer:
    def __init__(self, report_: BuildReport) -> None:
        self.report = report_
        self.last = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.report.seconds[name] = round(self.report.seconds.get(name, 0) + now - self.last, 3)
        self.last = now


def _extract(
    tasks: list[FileTask], wc: WorkerConfig, workers: int, progress: ProgressFn | None
) -> BatchResult:
    merged = BatchResult()
    batches = list(_batches(tasks))
    fn = partial(process_batch, wc=wc)
    with WorkerPool(workers, min_items=MIN_BATCHES_FOR_POOL, window_per_worker=2) as pool:
        for done, result in enumerate(pool.map(fn, batches), 1):
            merged.examples += result.examples
            merged.units += result.units
            merged.signatures += result.signatures
            merged.unit_hashes.update(result.unit_hashes)
            merged.contaminated_units |= result.contaminated_units
            merged.privacy.update(result.privacy)
            merged.stats.update(result.stats)
            report(progress, "extract", done, len(batches), f"{len(merged.examples):,} examples")
    return merged


def _test_files(project: ProjectInputs) -> dict[str, tuple[str, str]]:
    return {
        t.path: (t.language, t.text)
        for t in project.tasks
        if t.is_test and t.language in ("javascript", "typescript", "tsx")
    }


def _dedup(
    examples: list[dict[str, Any]], merged: BatchResult, cfg: DatasetConfig, rep: BuildReport
) -> list[dict[str, Any]]:
    if cfg.exact_dedup or cfg.near_dedup:
        first: dict[str, str] = {}
        dropped_units: set[str] = set()
        for unit_id in sorted(merged.unit_hashes):
            digest = merged.unit_hashes[unit_id]
            if digest in first:
                dropped_units.add(unit_id)
            else:
                first[digest] = unit_id
        if cfg.near_dedup:
            ordered = sorted((u, s) for u, s in merged.signatures if u not in dropped_units)
            dups = near_duplicates(
                ordered, threshold=cfg.near_dedup_threshold, num_perm=cfg.num_perm
            )
            near = set(dups)
            exact = dropped_units
            dropped_units = exact | near
            before = len(examples)
            examples = [e for e in examples if e["_unit"] not in dropped_units]
            rep.step(
                "near dedup",
                before,
                len(examples),
                f"{len(exact):,} units identical to another and {len(near):,} near-"
                f"duplicates (MinHash LSH, {cfg.num_perm} permutations, {cfg.shingle_size}-"
                f"gram shingles, Jaccard >= {cfg.near_dedup_threshold}) dropped with their "
                f"{before - len(examples):,} examples; one representative per cluster",
            )
        else:
            before = len(examples)
            examples = [e for e in examples if e["_unit"] not in dropped_units]
            rep.step(
                "exact unit dedup",
                before,
                len(examples),
                f"{len(dropped_units):,} units identical to another (whitespace "
                f"normalised) dropped with their {before - len(examples):,} examples",
            )
    if cfg.exact_dedup:
        seen: set[str] = set()
        kept = []
        for e in examples:
            if e["_hash"] not in seen:
                seen.add(e["_hash"])
                kept.append(e)
        rep.step(
            "exact dedup",
            len(examples),
            len(kept),
            f"{len(examples) - len(kept):,} examples equal to an earlier one of the same "
            "kind (whitespace-normalised hash of prompt and completion)",
        )
        examples = kept
    return examples


def build_dataset(
    db: Database,
    settings: Settings,
    request: DatasetBuildRequest,
    *,
    progress: ProgressFn | None = None,
    log: LogFn | None = None,
    job_id: str | None = None,
) -> DatasetInfo:
    """Build a new version of ``request.name`` from its project(s); see the module doc."""
    name = validate_name(request.name)
    cfg = check_config(request.config())
    projects = request.project_list()
    if not projects:
        raise InvalidInput("give the project(s) to build from: 'project' or 'projects'")
    say = log or (lambda _m: None)
    rep = BuildReport()
    timer = _Timer(rep)
    needles, eval_sets = load_needles(settings, cfg.eval_sets) if cfg.decontaminate else ([], [])
    loaded = _load_projects(db, projects, cfg, progress)
    timer.lap("load")
    decisions = [d for p in loaded.values() for d in p.decisions]
    kept_files = sum(d["decision"] == "kept" for d in decisions)
    rep.step(
        "licence filter",
        len(decisions),
        kept_files,
        f"{len(decisions) - kept_files:,} of {len(decisions):,} source files dropped "
        + _licence_policy(cfg, list(loaded.values())),
    )
    tasks = [t for p in loaded.values() for t in p.tasks]
    workers = default_workers(cfg.workers)
    merged = _extract(tasks, WorkerConfig(cfg, needles), workers, progress)
    rep.privacy, rep.stats = merged.privacy, merged.stats
    timer.lap("extract")
    units_by_id = {u.id: u for u in merged.units}
    examples = merged.examples
    kinds = set(cfg.kinds)
    links = _link(loaded, merged, examples, cfg)
    timer.lap("link")
    history: dict[str, Any] = {}
    if kinds & HISTORY_KINDS:
        examples += _history(loaded, cfg, settings, links, units_by_id, rep, history, say)
    timer.lap("history")
    if "feedback" in kinds:  # consented Companion corrections; cleaned like the rest below
        examples += feedback_examples(db, loaded, cfg, rep)
    rep.funnel.insert(1, ("extraction", sum(len(p.tasks) for p in loaded.values()), len(examples)))
    rep.filters.insert(
        1,
        (
            "extraction",
            f"{len(tasks):,} files, {len(merged.units):,} units -> {len(examples):,} examples",
        ),
    )
    examples = _clean(examples, merged, cfg, rep, needles, eval_sets)
    timer.lap("clean")
    report(progress, "validate", 0, 1)
    _validate(examples, merged, units_by_id, links, loaded, history, cfg, settings, rep, progress)
    timer.lap("validate")
    split = assign_splits(
        examples,
        seed=cfg.seed,
        ratios=check_ratios(cfg.split_ratios),
        by_repository=cfg.split_by == "repository" or (cfg.split_by == "auto" and len(loaded) > 1),
    )
    rep.notes.append(
        "splits: realised "
        + ", ".join(f"{n} {split['realised'][n]:.1%}" for n in split["realised"])
        + " against configured "
        + ", ".join(f"{n} {split['target'][n]:.0%}" for n in split["target"])
        + f" ({split['groups']:,} {split['unit']}s)"
        + (f": {split['why']}" if split["why"] else "")
    )
    info = _write(db, settings, name, cfg, loaded, examples, decisions, rep, job_id, timer)
    say(
        f"dataset {info.name} v{info.version}: {len(examples):,} examples in "
        f"{sum(rep.seconds.values()):.1f} s"
    )
    return info


def _load_projects(
    db: Database, projects: list[str], cfg: DatasetConfig, progress: ProgressFn | None
) -> dict[str, ProjectInputs]:
    """Each project's inputs by name, in the order given, reporting progress per project."""
    loaded: dict[str, ProjectInputs] = {}
    for i, project in enumerate(projects, 1):
        inputs = load_project(db, project, cfg)
        loaded[inputs.name] = inputs
        report(progress, "load", i, len(projects), inputs.name)
    return loaded


def _link(
    loaded: dict[str, ProjectInputs],
    merged: BatchResult,
    examples: list[dict[str, Any]],
    cfg: DatasetConfig,
) -> dict[str, TestLinks]:
    """Link each project's units to its tests, attach them to ``examples`` and (when the
    kind is asked) append the code-to-tests examples to ``examples`` in place."""
    links: dict[str, TestLinks] = {}
    for project in loaded.values():
        units = [u for u in merged.units if u.project == project.name]
        links[project.name] = link_tests(
            units,
            project.imports,
            project.test_calls,
            _test_files(project),
            max_tests=cfg.max_tests_per_unit,
        )
        attach_tests(examples, links[project.name])
        if "code-to-tests" in cfg.kinds:
            examples += code_to_tests(units, links[project.name])
    return links


def _history(
    loaded: dict[str, ProjectInputs],
    cfg: DatasetConfig,
    settings: Settings,
    links: dict[str, TestLinks],
    units_by_id: dict[str, UnitMeta],
    rep: BuildReport,
    history: dict[str, Any],
    say: LogFn,
) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for project in loaded.values():
        repo = find_repo(cfg.git, settings) if cfg.git else None
        if repo is None and project.source_kind == "git-local":
            repo = find_repo(project.source, settings)
        if repo is None:
            rep.notes.append(
                f"{project.name}: no local git repository (give one with `git`/`--git`), so "
                "no refactor or commit examples"
            )
            continue
        allowed = (
            None
            if project.own_code
            else {d["path"] for d in project.decisions if d["decision"] == "kept"}
        )
        commits, skipped = read_history(
            repo,
            settings,
            max_commits=cfg.git_max_commits,
            max_files=cfg.git_max_files,
            max_diff_lines=cfg.git_max_diff_lines,
            allowed_paths=allowed,
        )
        licences = {d["path"]: d["licence"] for d in project.decisions}
        found += history_examples(
            commits,
            project,
            set(cfg.kinds),
            licences,
            rep.privacy,
            emails=cfg.redact_emails,
            ips=cfg.redact_ips,
        )
        history[project.name] = (repo, {c.sha: c for c in commits})
        reasons = ", ".join(f"{n} {r}" for r, n in sorted(skipped.items())) or "none"
        rep.filters.append(
            (
                f"git history ({project.name})",
                f"{len(commits)} commits kept of {len(commits) + sum(skipped.values())}"
                f" read; left out: {reasons}",
            )
        )
        say(f"{project.name}: {len(commits)} commits from {repo}")
    return found


def _clean(
    examples: list[dict[str, Any]],
    merged: BatchResult,
    cfg: DatasetConfig,
    rep: BuildReport,
    needles: list[str],
    eval_sets: list[str],
) -> list[dict[str, Any]]:
    if cfg.decontaminate:
        bad = set(merged.contaminated_units)
        checker = Decontaminator(needles)
        for e in examples:  # examples not derived from a snapshot unit (git history)
            if e["_unit"] not in merged.unit_hashes and (
                checker.contains(e["prompt"]) or checker.contains(e["completion"])
            ):
                bad.add(e["_unit"])
        before = len(examples)
        examples = [e for e in examples if e["_unit"] not in bad]
        rep.step(
            "decontamination",
            before,
            len(examples),
            f"{before - len(examples):,} examples of {len(bad):,} units containing a "
            f"prompt or solution of: {', '.join(eval_sets)}",
        )
    examples = _dedup(examples, merged, cfg, rep)
    if cfg.min_quality > 0:
        before = len(examples)
        examples = [e for e in examples if e["quality"] >= cfg.min_quality]
        rep.step(
            "quality",
            before,
            len(examples),
            f"{before - len(examples):,} examples below quality {cfg.min_quality}",
        )
    if cfg.max_examples is not None and len(examples) > cfg.max_examples:
        before = len(examples)
        examples = sorted(examples, key=lambda e: e["id"])[: cfg.max_examples]
        rep.step("cap", before, len(examples), f"kept {cfg.max_examples:,} (max_examples)")
    return examples


def _validate(
    examples: list[dict[str, Any]],
    merged: BatchResult,
    units_by_id: dict[str, UnitMeta],
    links: dict[str, TestLinks],
    loaded: dict[str, ProjectInputs],
    history: dict[str, Any],
    cfg: DatasetConfig,
    settings: Settings,
    rep: BuildReport,
    progress: ProgressFn | None,
) -> None:
    if not cfg.validate_pairs or cfg.max_validations == 0:
        rep.notes.append(
            "sandbox validation was off: bug-fix and refactor pairs have validated = null"
        )
        return
    if cfg.anonymise_identifiers:
        rep.notes.append(
            "identifier anonymisation is on: pairs are not validated (the "
            "anonymised code no longer matches the project's tests)"
        )
        return
    started = time.perf_counter()
    max_bytes = settings.sandbox_max_source_bytes - 64 * 1024
    all_links = TestLinks()
    for found in links.values():
        all_links.tests.update(found.tests)
        all_links.by_unit.update(found.by_unit)
    jobs, chosen, skipped = bugfix_jobs(
        examples,
        units_by_id,
        all_links,
        loaded,
        limit=cfg.max_validations,
        max_bytes=max_bytes,
        redact_emails=cfg.redact_emails,
        redact_ips=cfg.redact_ips,
    )
    refactor = [e for e in examples if e["kind"] == "refactor"]
    more, ref_chosen = _refactor_jobs(refactor, merged, links, loaded, history, cfg, max_bytes)
    jobs += more

    def done(n: int, total: int) -> None:
        report(progress, "validate", n, total)

    results = run_validations(jobs, settings, timeout=cfg.validation_timeout, on_done=done)
    by_kind = {r.key: r for r in results}
    tally = apply_validation([by_kind[k] for k in chosen if k in by_kind], chosen, "bug-fix")
    ref_tally = apply_validation(
        [by_kind[k] for k in ref_chosen if k in by_kind], ref_chosen, "refactor"
    )
    seconds = time.perf_counter() - started
    variants = sum(len(j.variants) for j in jobs)
    rep.stats["validation_runs"] = len(jobs)
    rep.stats["validation_variants"] = variants
    rep.filters.append(
        (
            "sandbox validation",
            f"{len(jobs)} sandbox runs ({variants} variants) in {seconds:.1f} s; "
            f"bug-fix: {dict(tally) or 'none'}; refactor: {dict(ref_tally) or 'none'};"
            f" not run: {dict(skipped) or 'none'}",
        )
    )
    failing = {e["id"] for e in refactor if e["validated"] is False}
    if failing:
        examples[:] = [e for e in examples if e["id"] not in failing]
        rep.funnel.append(("refactor tests", len(refactor), len(refactor) - len(failing)))


def _refactor_jobs(
    refactor: list[dict[str, Any]],
    merged: BatchResult,
    links: dict[str, TestLinks],
    loaded: dict[str, ProjectInputs],
    history: dict[str, Any],
    cfg: DatasetConfig,
    max_bytes: int,
) -> tuple[list[ValidationJob], dict[str, list[dict[str, Any]]]]:
    """Sandbox jobs for the refactor pairs of every project whose history was read."""
    jobs: list[ValidationJob] = []
    ref_chosen: dict[str, list[dict[str, Any]]] = {}
    for project_name, (repo, commits) in history.items():
        by_name = {(u.path, u.qualname): u for u in merged.units if u.project == project_name}
        more, picked = refactor_jobs(
            [e for e in refactor if e["provenance"]["project"] == project_name],
            commits,
            by_name,
            links[project_name],
            loaded[project_name],
            partial(files_at, repo),
            limit=cfg.max_validations,
            max_bytes=max_bytes,
        )
        jobs += more
        ref_chosen.update(picked)
    return jobs, ref_chosen


def _write(
    db: Database,
    settings: Settings,
    name: str,
    cfg: DatasetConfig,
    loaded: dict[str, ProjectInputs],
    examples: list[dict[str, Any]],
    decisions: list[dict[str, Any]],
    rep: BuildReport,
    job_id: str | None,
    timer: _Timer,
) -> DatasetInfo:
    version = next_version(db, name)
    root = datasets_root(settings) / name
    stage = root / f".staging-{uuid.uuid4().hex[:8]}"
    final = root / str(version)
    created = utcnow()
    try:
        sizes = write_split_files(examples, stage / "data")
        # sealed when encryption at rest is on, like the split files (export.py)
        crypto.write_sealed(
            stage / "provenance.jsonl", "".join(json.dumps(d) + "\n" for d in decisions)
        )
        config = cfg.model_dump(mode="json")
        crypto.write_sealed(stage / "config.json", json.dumps(config, indent=2))
        plots = write_plots(examples, stage / "plots", cfg.plots)
        timer.lap("write")
        licences: dict[str, Counter[str]] = {}
        for d in decisions:
            licences.setdefault(d["licence"] or "unknown", Counter())[d["decision"]] += 1
        counts = _counts(examples, rep, sizes)
        card = render_card(
            name=name, version=version, created=created.strftime("%Y-%m-%d %H:%M UTC"),
            sources=[{"project": p.name, "snapshot_id": p.snapshot_id, "commit": p.commit,
                      "source": p.source} for p in loaded.values()],
            examples=examples, funnel=rep.funnel, filters=rep.filters,
            privacy=dict(rep.privacy), licences={k: dict(v) for k, v in licences.items()},
            notes=rep.notes, config=config, plots=plots, stats=dict(rep.stats),
        )  # fmt: skip
        crypto.write_sealed(stage / "README.md", card)
        crypto.write_sealed(stage / "stats.json", json.dumps(counts, indent=2))
        if final.exists():  # a leftover of a crash after the rename: never recorded
            shutil.rmtree(final)
        stage.rename(final)
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    row = DatasetRow(
        name=name, version=version, project_ids=[p.project_id for p in loaded.values()],
        snapshot_ids=[p.snapshot_id for p in loaded.values()], config=config, counts=counts,
        card=card, path=str(final.relative_to(settings.home)), job_id=job_id, created_at=created,
    )  # fmt: skip
    try:
        return record_dataset(db, row)
    except BaseException:
        shutil.rmtree(final, ignore_errors=True)
        raise


def _counts(
    examples: list[dict[str, Any]], rep: BuildReport, sizes: dict[str, int]
) -> dict[str, Any]:
    by_kind_split: dict[str, dict[str, int]] = {}
    for e in examples:
        by_kind_split.setdefault(e["kind"], Counter())[e["split"]] += 1  # type: ignore[index]
    return {
        "total": len(examples),
        "by_kind": dict(Counter(e["kind"] for e in examples)),
        "by_split": dict(Counter(e["split"] for e in examples)),
        "by_kind_split": {k: dict(v) for k, v in by_kind_split.items()},
        "by_language": dict(Counter(e["language"] for e in examples)),
        "augmented": sum(e["augmented"] for e in examples),
        "validated": {
            kind: {
                "true": sum(e["validated"] is True for e in examples if e["kind"] == kind),
                "false": sum(e["validated"] is False for e in examples if e["kind"] == kind),
                "null": sum(e["validated"] is None for e in examples if e["kind"] == kind),
            }
            for kind in ("bug-fix", "refactor")
        },
        "funnel": [{"step": s, "in": a, "out": b} for s, a, b in rep.funnel],
        "privacy": dict(rep.privacy),
        "stats": dict(rep.stats),
        "seconds": rep.seconds,
        "bytes": sizes,
    }
