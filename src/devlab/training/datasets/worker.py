"""The per-file work, run in the process pool: redact, parse once, build every example
of the file's units, augment, annotate, sign for near-dedup, flag contamination.

``process_batch`` takes a batch of files (so the Python ``ruff format`` pass runs once per
batch, not per file) and returns plain data: examples, the units the main process links
to tests and validates, MinHash signatures, and counters for the data card.
"""

from __future__ import annotations

import random
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np

from devlab.training.datasets.annotate import (
    category_of,
    count_tokens,
    file_categories,
    file_flags,
    quality_of,
)
from devlab.training.datasets.augment import (
    format_python_units,
    normalise_whitespace,
    rename_edits,
    strip_comments,
)
from devlab.training.datasets.decontam import Decontaminator
from devlab.training.datasets.dedup import unit_signature
from devlab.training.datasets.extract import ExampleFactory, normalised_hash
from devlab.training.datasets.models import DatasetConfig
from devlab.training.datasets.mutate import mutate_unit, param_names
from devlab.training.datasets.privacy import redact
from devlab.training.datasets.units import (
    Edits,
    FileTask,
    ParsedUnits,
    SymbolInfo,
    Unit,
    UnitView,
    parse_units,
)

__all__ = ["BatchResult", "UnitMeta", "WorkerConfig", "process_batch"]


class UnitMeta(NamedTuple):
    """What the main process needs of a unit: linking, validation, refactor pairs."""

    id: str
    project: str
    path: str
    module: str
    language: str
    name: str
    qualname: str
    kind: str
    parent: str | None
    is_test: bool
    start_line: int
    end_line: int
    code: str
    params: tuple[str, ...]
    category: str
    complexity: int
    quality: float
    quality_flags: tuple[str, ...]
    licence: str | None
    commit: str | None
    snapshot_id: int


@dataclass
class WorkerConfig:
    config: DatasetConfig
    needles: list[str] = field(default_factory=list)


@dataclass
class BatchResult:
    examples: list[dict[str, Any]] = field(default_factory=list)
    units: list[UnitMeta] = field(default_factory=list)
    signatures: list[tuple[str, np.ndarray]] = field(default_factory=list)
    unit_hashes: dict[str, str] = field(default_factory=dict)
    contaminated_units: set[str] = field(default_factory=set)
    privacy: Counter[str] = field(default_factory=Counter)
    stats: Counter[str] = field(default_factory=Counter)


_decontaminators: dict[int, Decontaminator] = {}


def _decontaminator(needles: list[str]) -> Decontaminator:
    """One per worker process and needle list (built once, reused by every batch)."""
    key = hash(tuple(needles))
    found = _decontaminators.get(key)
    if found is None:
        _decontaminators.clear()
        found = _decontaminators[key] = Decontaminator(needles)
    return found


def _anonymise(task: FileTask, pu: ParsedUnits, cfg: DatasetConfig) -> FileTask | None:
    """The file with every top-level function's and method's locals renamed (v0, v1,
    ...); None when nothing was renamed."""
    edits = Edits()
    nested = {u.symbol.qualname for u in pu.units if u.symbol.kind == "class"}
    for unit in pu.units:
        if unit.symbol.kind == "class" or (unit.symbol.parent and unit.symbol.parent not in nested):
            continue
        found = rename_edits(pu, unit, random.Random(f"{cfg.seed}:{unit.id}"), prefix="v")
        if found is not None:
            for a, b, new in found.items:
                edits.add(a + unit.start, b + unit.start, new)
    if not edits.items:
        return None
    return task._replace(text=edits.apply(pu.src).decode("utf-8", "replace"))


def _skeleton(pu: ParsedUnits, unit: Unit) -> str | None:
    """A class's skeleton: its header, docstring and each method's signature and
    docstring, bodies elided."""
    methods = [
        s for s in pu.task.symbols if s.parent == unit.symbol.qualname and s.kind == "method"
    ]
    if not methods:
        return None
    header = unit.view.text[: unit.view.body_start].decode("utf-8", "replace").rstrip("\n")
    python = pu.task.language == "python"
    lines = [header]
    for m in methods:
        if python:
            lines.append(f"\n    {m.signature.strip()}:")
            if m.docstring:
                doc = m.docstring.replace('"""', r"\"\"\"").replace("\n", "\n        ")
                lines.append(f'        """{doc}"""')
            lines.append("        ...")
        else:
            if m.docstring:
                lines.append("\n  /** " + m.docstring.replace("\n", "\n   * ") + " */")
            lines.append(f"  {m.signature.strip()} {{ ... }}")
    if not python:
        lines.append("}")
    return "\n".join(lines) + "\n"


def _clean_doc(doc: str) -> str:
    """The store's docstring without a shebang line a leading comment block swept in."""
    if doc.startswith("!"):
        doc = doc.partition("\n")[2]
    return doc.strip()


def _context(pu: ParsedUnits, sym: SymbolInfo) -> str:
    parts = []
    if sym.parent:
        parts.append(f"inside `{sym.parent}`")
    if pu.imports:
        parts.append("imports: " + "; ".join(i.replace("\n", " ")[:120] for i in pu.imports))
    return ", ".join(parts)


class _FileWork:
    """Builds the examples of one parsed file into ``out``."""

    def __init__(self, pu: ParsedUnits, wc: WorkerConfig, out: BatchResult, anonymised: bool):
        self.pu, self.wc, self.cfg, self.out = pu, wc, wc.config, out
        self.kinds = set(self.cfg.kinds)
        self.anonymised = anonymised
        task = pu.task
        self.file_level = file_flags(task.path, task.text[:500])
        self.file_categories = file_categories(task.path, task.text[:2000])
        self.deferred_format: list[tuple[ExampleFactory, UnitView, Unit]] = []
        self.decontaminator = _decontaminator(wc.needles) if wc.needles else None

    def run(self) -> None:
        for unit in self.pu.units:
            self.unit(unit)

    def _base(self, unit: Unit) -> tuple[dict[str, Any], UnitMeta]:
        task, sym = self.pu.task, unit.symbol
        code = unit.view.text.decode("utf-8", "replace")
        comment_chars = sum(
            n.end_byte - n.start_byte
            for n in self.pu.captures.within("comment", unit.start, unit.end)
        )
        row = bisect_right(self.pu.line_starts, unit.start) - 1
        above = self.pu.line_starts[max(0, row - 3)]
        header = self.pu.src[above : unit.start + unit.view.header_end][:600]
        category, _ = category_of(
            task.path, sym.name, header.decode("utf-8", "replace"), self.file_categories
        )
        complexity = 1 + len(self.pu.captures.within("branch", unit.start, unit.end))
        quality, flags = quality_of(
            code, count_tokens(code), comment_chars,
            parses=unit.parse_ok, file_level=self.file_level,
        )  # fmt: skip
        base: dict[str, Any] = {
            "split": None,
            "language": task.language,
            "category": category,
            "source_path": task.path,
            "symbol": sym.qualname,
            "complexity": complexity,
            "quality": quality,
            "quality_flags": flags,
            "provenance": {
                "project": task.project,
                "snapshot_id": task.snapshot_id,
                "path": task.path,
                "commit": task.commit,
                "licence": task.licence,
                "start_line": sym.start_line,
                "end_line": sym.end_line,
                "transforms": [],
            },
        }
        meta = UnitMeta(
            unit.id, task.project, task.path, task.module, task.language, sym.name,
            sym.qualname, sym.kind, sym.parent, task.is_test, sym.start_line, sym.end_line,
            code, tuple(param_names(unit.node)), category, complexity, quality, tuple(flags),
            task.licence, task.commit, task.snapshot_id,
        )  # fmt: skip
        return base, meta

    def unit(self, unit: Unit) -> None:
        cfg, out, kinds = self.cfg, self.out, self.kinds
        base, meta = self._base(unit)
        out.units.append(meta)
        out.stats["units"] += 1
        if cfg.exact_dedup or cfg.near_dedup:
            out.unit_hashes[unit.id] = normalised_hash(meta.code)
        if cfg.near_dedup:
            sig = unit_signature(meta.code, cfg.num_perm, cfg.shingle_size)
            if sig is not None:
                out.signatures.append((unit.id, sig))
        if self.decontaminator is not None and self.decontaminator.contains(meta.code):
            out.contaminated_units.add(unit.id)
        fac = ExampleFactory(
            unit_id=unit.id,
            group=f"{self.pu.task.project}\x00{self.pu.task.path}",
            base=base,
            unit_kind=unit.symbol.kind,
            name=unit.symbol.name,
            docstring=_clean_doc(unit.symbol.docstring),
            context=_context(self.pu, unit.symbol),
        )
        view = unit.view.retag("anonymise") if self.anonymised else unit.view
        rng = random.Random(f"{cfg.seed}:{unit.id}")
        examples: list[dict[str, Any]] = []
        if unit.symbol.kind == "class":
            if "class-skeleton" in kinds:
                skeleton = _skeleton(self.pu, unit)
                if skeleton:
                    examples += fac.class_skeleton(view, skeleton)
            if "code-to-doc" in kinds:
                examples += fac.code_to_doc(view)
            out.examples += examples
            return
        examples += self.kinds_for(fac, view, rng, kinds)
        is_test = self.pu.task.is_test and unit.symbol.name.lower().startswith("test")
        if "bug-fix" in kinds and cfg.mutants_per_unit and not is_test:
            for mutant in mutate_unit(self.pu, unit, cfg.operators, cfg.mutants_per_unit, rng):
                out.stats[f"mutant:{mutant.operator}"] += 1
                examples.append(fac.bug_fix(view, mutant.text, mutant.operator, mutant.line))
        if cfg.augmentations and cfg.augment_kinds and rng.random() < cfg.augment_rate:
            examples += self.augment(unit, fac, view, rng)
        out.examples += examples

    def kinds_for(
        self, fac: ExampleFactory, view: UnitView, rng: random.Random, kinds: set[str]
    ) -> list[dict[str, Any]]:
        cfg = self.cfg
        found: list[dict[str, Any]] = []
        if "completion" in kinds:
            found += fac.completion(view, rng, cfg.fim_rate, cfg.fim_spm_rate)
        if "doc-to-code" in kinds:
            found += fac.doc_to_code(view)
        if "code-to-doc" in kinds:
            found += fac.code_to_doc(view)
        if "naming" in kinds:
            found += fac.naming(view)
        return found

    def augment(
        self, unit: Unit, fac: ExampleFactory, view: UnitView, rng: random.Random
    ) -> list[dict[str, Any]]:
        kinds = self.kinds & set(self.cfg.augment_kinds)
        found: list[dict[str, Any]] = []
        for name in self.cfg.augmentations:
            edits: Edits | None = None
            if name == "rename":
                edits = rename_edits(self.pu, unit, rng)
            elif name == "strip-comments":
                edits = strip_comments(self.pu, unit)
            elif name == "format":
                if self.pu.task.language == "python":
                    self.deferred_format.append((fac, view, unit))
                    continue
                edits = normalise_whitespace(self.pu, unit)
            if edits is None:
                continue
            self.out.stats[f"augment:{name}"] += 1
            found += self.kinds_for(fac, view.edited(edits, name), rng, kinds)
        return found


def _format_deferred(works: list[_FileWork], out: BatchResult) -> None:
    """Python formatting variants: one ``ruff format`` call for the whole batch."""
    jobs = [(w, fac, view, unit) for w in works for fac, view, unit in w.deferred_format]
    if not jobs:
        return
    formatted = format_python_units([view.text for _, _, view, _ in jobs])
    for (work, fac, view, unit), new in zip(jobs, formatted, strict=True):
        if new is None:
            continue
        sym = unit.symbol
        lines = new.count(b"\n") + (0 if new.endswith(b"\n") else 1)
        snippet = work.pu.task._replace(
            text=new.decode("utf-8", "replace"),
            symbols=(sym._replace(start_line=1, end_line=lines),),
        )
        parsed = parse_units(snippet, 1, 10_000)
        if not parsed.units:
            continue
        new_view = parsed.units[0].view
        new_view.transforms = (*view.transforms, "format")
        rng = random.Random(f"{work.cfg.seed}:{unit.id}:format")
        out.stats["augment:format"] += 1
        kinds = work.kinds & set(work.cfg.augment_kinds)
        out.examples += work.kinds_for(fac, new_view, rng, kinds)


def process_batch(tasks: list[FileTask], wc: WorkerConfig) -> BatchResult:
    """Every example of every file in ``tasks`` (see the module doc)."""
    cfg = wc.config
    out = BatchResult()
    works = []
    for task in tasks:
        text, counts = redact(task.text, emails=cfg.redact_emails, ips=cfg.redact_ips)
        out.privacy.update(counts)
        # the store's docstrings and signatures are copies of the text: redact them too
        # (their counts are already in the text's)
        symbols = tuple(
            sym._replace(
                docstring=redact(sym.docstring, emails=cfg.redact_emails, ips=cfg.redact_ips)[0],
                signature=redact(sym.signature, emails=cfg.redact_emails, ips=cfg.redact_ips)[0],
            )
            for sym in task.symbols
        )
        task = task._replace(text=text, symbols=symbols)
        # tests are linked whatever their length: "def test_x(): assert ..." is 2 lines
        min_lines = min(2, cfg.min_unit_lines) if task.is_test else cfg.min_unit_lines
        pu = parse_units(task, min_lines, cfg.max_unit_lines)
        anonymised = False
        if cfg.anonymise_identifiers:
            renamed = _anonymise(task, pu, cfg)
            if renamed is not None:
                pu = parse_units(renamed, min_lines, cfg.max_unit_lines)
                anonymised = True
                out.stats["anonymised_files"] += 1
        out.stats["files"] += 1
        if pu.tree.root_node.has_error:
            out.stats["files_with_parse_errors"] += 1
        work = _FileWork(pu, wc, out, anonymised)
        work.run()
        works.append(work)
    _format_deferred(works, out)
    return out
