"""The data card: Markdown with the dataset's statistics, what each filter removed,
the privacy report, provenance, the configuration, and two plots (kinds, lengths).

A dataset with no examples still gets a card, whose first section says which filter
removed what (every file had an excluded licence, every unit was a duplicate, ...).
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

from devlab.training.datasets.models import SPLITS

__all__ = ["render_card", "write_plots"]


def write_plots(examples: list[dict[str, Any]], folder: Path, fmt: str) -> list[str]:
    """The kind distribution and the token-length distribution (per kind), as PNG or
    SVG files in ``folder``; returns their names."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    folder.mkdir(parents=True, exist_ok=True)
    kinds = Counter(e["kind"] for e in examples)
    names = []

    fig, ax = plt.subplots(figsize=(7, 3.5))
    labels = sorted(kinds) or ["(none)"]
    ax.barh(labels, [kinds.get(k, 0) for k in labels], color="#4c72b0")
    ax.set_xlabel("examples")
    ax.set_title("Examples by kind")
    fig.tight_layout()
    fig.savefig(folder / f"kinds.{fmt}")
    plt.close(fig)
    names.append(f"kinds.{fmt}")

    fig, ax = plt.subplots(figsize=(7, 3.5))
    by_kind: dict[str, list[int]] = {}
    for e in examples:
        by_kind.setdefault(e["kind"], []).append(max(1, e["tokens"]))
    if by_kind:
        top = max(max(v) for v in by_kind.values())
        bins = [2**i for i in range(0, max(2, top.bit_length() + 1))]
        ax.hist(list(by_kind.values()), bins=bins, stacked=True, label=list(by_kind))
        ax.set_xscale("log", base=2)
        ax.legend(fontsize=7, ncol=2)
    ax.set_xlabel("tokens per example (prompt + completion)")
    ax.set_ylabel("examples")
    ax.set_title("Length distribution")
    fig.tight_layout()
    fig.savefig(folder / f"lengths.{fmt}")
    plt.close(fig)
    names.append(f"lengths.{fmt}")
    return names


def _table(headers: list[str], rows: list[list[Any]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def _percentile(values: list[int], q: float) -> int:
    if not values:
        return 0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _empty_reason(funnel: list[tuple[str, int, int]]) -> str:
    for step, before, after in funnel:
        if before and not after:
            return f"the {step} removed all {before:,} it was given"
    if funnel and not funnel[0][1]:
        return "the projects have no file in a language the parser supports"
    return "no unit produced an example of the requested kinds"


def _corrections(examples: list[dict[str, Any]], stats: dict[str, int]) -> list[str]:
    """How many Companion corrections are in, and how many were left out and why."""
    included = sum(e["kind"] == "feedback" for e in examples)
    cleaned = stats.get("feedback_taken", 0) - included
    lines = [
        f"**User corrections included: {included:,}** (kind `feedback`, all in `train`): "
        "corrections given in the Dev Companion whose authors consented to training on "
        "them. Corrections without that consent are never used.",
        "",
        f"- Left out for lack of consent: {stats.get('feedback_without_consent', 0):,}",
    ]
    if cleaned > 0:
        lines.append(
            f"- {cleaned:,} consented one{' was' if cleaned == 1 else 's were'} removed by "
            "the cleaning steps (duplicates, decontamination)"
        )
    if stats.get("feedback_without_prompt"):
        lines.append(f"- Left out without a stored prompt: {stats['feedback_without_prompt']:,}")
    return ["## User corrections", "", *lines, ""]


def _licence_line(funnel: list[tuple[str, int, int]]) -> str:
    """The card's first line: what the licence filter removed (the step users trip on)."""
    step = next((f for f in funnel if f[0] == "licence filter"), None)
    if step is None:
        return "**Licence filter**: not run."
    _, seen, kept = step
    return (
        f"**Licence filter: {seen - kept:,} of {seen:,} source files removed** "
        "(see Licences and provenance; a project of your own keeps every licence: "
        "`devlab ingest --own-code`)."
    )


def render_card(
    *,
    name: str,
    version: int,
    created: str,
    sources: list[dict[str, Any]],
    examples: list[dict[str, Any]],
    funnel: list[tuple[str, int, int]],
    filters: list[tuple[str, str]],
    privacy: dict[str, int],
    licences: dict[str, dict[str, int]],
    notes: list[str],
    config: dict[str, Any],
    plots: list[str],
    stats: dict[str, int] | None = None,
) -> str:
    """The card's Markdown. ``funnel`` is ``(step, items in, items out)`` in order;
    ``filters`` is ``(step, what it removed)``; ``stats`` the build's counters (the
    user-corrections section reads its ``feedback_*`` ones)."""
    out = _header(name, version, created, sources, funnel)
    out += _contents(examples, funnel)
    if "feedback" in config.get("kinds", []):
        out += _corrections(examples, stats or {})
    out += _filters_and_privacy(funnel, filters, privacy)
    out += _provenance(licences)
    if plots:
        out += ["## Plots", ""] + [f"![{p.split('.')[0]}](plots/{p})" for p in plots] + [""]
    if notes:
        out += ["## Notes", ""] + [f"- {n}" for n in notes] + [""]
    out += [
        "## Configuration",
        "",
        "```json",
        json.dumps(config, indent=2, sort_keys=True),
        "```",
        "",
    ]
    out += [
        "## Format",
        "",
        "`data/{train,validation,test}.{jsonl,parquet}`, columns: `id`, `kind`, `split`, "
        "`language`, `category`, `source_path`, `symbol`, `prompt`, `completion` (raw "
        "input and target; FIM prompts use `<fim_prefix>`, `<fim_suffix>`, "
        "`<fim_middle>`), `instruction`, `response` (the chat form), `format`, "
        "`operator`, `validated`, `validation`, `augmented`, `origin_id`, `complexity`, "
        "`tokens`, `quality`, `quality_flags`, `provenance`.",
        "",
    ]
    return "\n".join(out)


def _header(
    name: str,
    version: int,
    created: str,
    sources: list[dict[str, Any]],
    funnel: list[tuple[str, int, int]],
) -> list[str]:
    """Title, licence line and the projects the dataset was built from."""
    out = [f"# {name} (version {version})", "", _licence_line(funnel), ""]
    out.append(f"Training dataset built by DevLab on {created} from:")
    for src in sources:
        commit = f", commit `{src['commit'][:12]}`" if src.get("commit") else ""
        out.append(
            f"- project `{src['project']}`, snapshot {src['snapshot_id']}{commit} ({src['source']})"
        )
    out.append("")
    return out


def _contents(examples: list[dict[str, Any]], funnel: list[tuple[str, int, int]]) -> list[str]:
    """Counts by split, the kinds table and the per-field counts."""
    out: list[str] = []
    total = len(examples)
    if not total:
        out += ["## No examples", "",
                f"This dataset has no examples: {_empty_reason(funnel)}. See the filters below.",
                ""]  # fmt: skip
    out += ["## Contents", ""]
    by_split = Counter(e["split"] for e in examples)
    out.append(
        f"**{total:,} examples**: " + ", ".join(f"{by_split.get(s, 0):,} {s}" for s in SPLITS) + "."
    )
    out.append("")
    kind_split = Counter((e["kind"], e["split"]) for e in examples)
    kinds = sorted({e["kind"] for e in examples})
    lengths: dict[str, list[int]] = {}
    for e in examples:
        lengths.setdefault(e["kind"], []).append(e["tokens"])
    rows = [
        [
            k,
            *(kind_split.get((k, s), 0) for s in SPLITS),
            sum(kind_split.get((k, s), 0) for s in SPLITS),
            _percentile(lengths[k], 0.5),
            _percentile(lengths[k], 0.95),
        ]
        for k in kinds
    ]
    out += [_table(["kind", *SPLITS, "total", "median tokens", "p95 tokens"], rows), ""]
    out += _counts(examples)
    out.append("")
    return out


def _counts(examples: list[dict[str, Any]]) -> list[str]:
    """One bold line each: languages, categories, formats, augmentation, pairs'
    validation, mutation operators, quality."""
    out: list[str] = []
    for label, key in (("Languages", "language"), ("Categories", "category")):
        found = Counter(e[key] for e in examples if e[key])
        if found:
            out.append(
                f"**{label}**: " + ", ".join(f"{k} {v:,}" for k, v in found.most_common()) + "."
            )
    formats = Counter(e["format"] for e in examples if e["kind"] == "completion")
    if formats:
        out.append(
            "**Completion formats**: "
            + ", ".join(f"{k} {v:,}" for k, v in sorted(formats.items()))
            + "."
        )
    augmented = Counter(
        t for e in examples if e["augmented"] for t in e["provenance"]["transforms"]
    )
    out.append(
        f"**Augmented**: {sum(e['augmented'] for e in examples):,} examples ("
        + (", ".join(f"{k} {v:,}" for k, v in sorted(augmented.items())) or "none")
        + "), each in its origin's split."
    )
    for kind in ("bug-fix", "refactor"):
        pairs = [e for e in examples if e["kind"] == kind]
        if pairs:
            ok = sum(e["validated"] is True for e in pairs)
            bad = sum(e["validated"] is False for e in pairs)
            out.append(
                f"**{kind} pairs**: {len(pairs):,}; test-validated in the sandbox {ok:,}, "
                f"not validated by their tests {bad:,}, without tests "
                f"{len(pairs) - ok - bad:,}."
            )
    operators = Counter(e["operator"] for e in examples if e["operator"])
    if operators:
        out.append(
            "**Mutation operators**: "
            + ", ".join(f"{k} {v:,}" for k, v in sorted(operators.items()))
            + "."
        )
    quality = [e["quality"] for e in examples]
    if quality:
        out.append(
            f"**Quality** (0-1, see `annotate.py`): mean {sum(quality) / len(quality):.2f}"
            f", below 0.5: {sum(q < 0.5 for q in quality):,}."
        )
    return out


def _filters_and_privacy(
    funnel: list[tuple[str, int, int]], filters: list[tuple[str, str]], privacy: dict[str, int]
) -> list[str]:
    """What each step kept and removed, and what was redacted (counts by type)."""
    out: list[str] = []
    out += ["## Filters", "", "What each step kept, in order:", ""]
    out += [_table(["step", "in", "out"], [[s, f"{a:,}", f"{b:,}"] for s, a, b in funnel]), ""]
    out += [f"- **{step}**: {what}" for step, what in filters]
    out.append("")
    out += ["## Privacy", "",
            "Secrets were replaced by `<REDACTED:type>` at ingestion; e-mail and public IP "
            "addresses by `<REDACTED:email>` / `<REDACTED:ip>` here. Counts by type (never "
            "values):", ""]  # fmt: skip
    out += [
        _table(["type", "redacted"], [[k, v] for k, v in sorted(privacy.items())])
        if privacy
        else "Nothing was redacted.",
        "",
    ]
    return out


def _provenance(licences: dict[str, dict[str, int]]) -> list[str]:
    """Where provenance lives, and the files kept and dropped per licence."""
    out: list[str] = []
    out += [
        "## Licences and provenance",
        "",
        "Every file's licence decision is in `provenance.jsonl`; every example carries "
        "its project, file, lines, commit, licence and the transforms applied (a user "
        "correction: its feedback id, model version, action and date instead).",
        "",
    ]
    rows = [[lic, c.get("kept", 0), c.get("dropped", 0)] for lic, c in sorted(licences.items())]
    out += [
        _table(["licence", "files kept", "files dropped"], rows)
        if rows
        else "No file was considered.",
        "",
    ]
    return out
