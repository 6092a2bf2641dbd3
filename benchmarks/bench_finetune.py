"""Fine-tuning benchmark: LoRA on a real codebase nobody here wrote, then base versus
fine-tuned on that codebase's held-out files.

    python benchmarks/bench_finetune.py [--steps 200] [--max-examples 3000] [--seq-len 256]
        [--batch-size 4] [--rank 16] [--eval-examples 100] [--package Django==5.1.4]
        [--subtree django] [--write]

Steps (one process, a temporary ``DEVLAB_HOME``; nothing is downloaded but the sdist,
fetched once with pip into ``benchmarks/.data/``):

1. copy ``--subtree`` of the sdist (plus its LICENSE and pyproject.toml, for the
   licence filter) outside any git work tree and ingest it (lexical only, no embeddings);
2. build a dataset of ``completion`` examples (left-to-right and fill-in-the-middle,
   no augmentation) capped at ``--max-examples``, split by file (80/10/10): no test
   file's code is seen in training;
3. ``run_training`` (what ``devlab train`` runs): LoRA on the packaged model for
   ``--steps`` optimiser steps; training tokens/s as the trainer measures it;
4. ``run_evaluation`` (what ``devlab eval --suite DATASET`` runs) of ``base`` and of the
   new version on the same first ``--eval-examples`` completion examples of the test
   split: perplexity on them, FIM exact match and edit similarity on the FIM ones;
   ``compare_evaluations`` gives bootstrap 95% intervals of the per-example deltas.

pass@1 is not measured here: the dataset's test split has no runnable tasks (Django's
own test suite needs its test runner and settings, not a per-function sandbox run);
``bench_teamtasks.py`` measures it on a codebase whose tests run with plain pytest.

Set ``DEVLAB_LLM_MODELS_DIR`` (default here: /tmp/devlab-test-models when it exists) to
reuse a converted copy of the packaged model. ``--write`` replaces the "Fine-tuning
(LoRA on CPU)" section of docs/benchmarks.md; results also go to
benchmarks/.data/finetune-results.json.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (
    DATA_DIR,
    fetch_sdist,
    machine,
    markdown_table,
    saved_results,
    write_docs_section,
    write_json,
)

HEADING = "## Fine-tuning (LoRA on CPU)"
DEFAULT_MODELS = Path("/tmp/devlab-test-models")


def _say(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def _copy_tree(root: Path, subtree: str, dest: Path) -> int:
    shutil.copytree(root / subtree, dest / subtree, symlinks=True)
    for name in ("LICENSE", "LICENSE.txt", "pyproject.toml", "setup.cfg"):
        if (root / name).is_file():
            shutil.copy2(root / name, dest / name)
    return sum(1 for _ in (dest / subtree).rglob("*.py"))


def _progress_printer() -> Any:
    last = {"t": 0.0}

    def show(p: Any) -> None:
        now = time.monotonic()
        if now - last["t"] >= 15 or p.done == p.total:
            last["t"] = now
            _say(f"  {p.stage} {p.done}/{p.total} {p.message}")

    return show


@contextmanager
def ingested_workbench(
    package: str, subtree: str, results: dict[str, Any], walls: dict[str, float]
) -> Iterator[tuple[Any, Any]]:
    """``(workbench, settings)`` in a temporary home, with ``subtree`` of the sdist
    ingested as project ``bench`` (the converted packaged model reused from
    ``DEVLAB_LLM_MODELS_DIR`` or /tmp/devlab-test-models); fills ``results`` (package,
    subtree, machine, python_files) and ``walls["ingest"]``."""
    from devlab.codebase.ingest import ingest_source
    from devlab.config import load_settings
    from devlab.workbench import Workbench

    source = fetch_sdist(package)
    models_dir = os.environ.get("DEVLAB_LLM_MODELS_DIR") or (
        str(DEFAULT_MODELS) if DEFAULT_MODELS.is_dir() else None
    )
    results |= {
        "package": package.replace("==", " "),
        "subtree": subtree,
        "machine": machine() | {"torch_threads": _torch_threads()},
    }
    with tempfile.TemporaryDirectory(prefix="devlab-bench-") as tmp:
        src = Path(tmp) / "src"
        results["python_files"] = _copy_tree(source, subtree, src)
        extra = {"llm_models_dir": models_dir} if models_dir else {}
        settings = load_settings(home=Path(tmp) / "home", **extra)
        wb = Workbench.open(settings)
        try:
            _say(f"ingesting {subtree} ({results['python_files']} .py files)")
            t0 = time.perf_counter()
            ingest_source(wb.db, settings, name="bench", source=str(src))
            walls["ingest"] = time.perf_counter() - t0
            yield wb, settings
        finally:
            wb.close()


def run(args: argparse.Namespace) -> dict[str, Any]:
    from devlab.training.datasets import DatasetBuildRequest, build_dataset
    from devlab.training.evaluate import compare_evaluations
    from devlab.training.jobs import run_evaluation, run_training
    from devlab.training.models import EvaluationRequest, TrainRequest

    walls: dict[str, float] = {}
    results: dict[str, Any] = {}
    with ingested_workbench(args.package, args.subtree, results, walls) as (wb, settings):
        _say("building the dataset")
        t0 = time.perf_counter()
        info = build_dataset(
            wb.db,
            settings,
            DatasetBuildRequest(
                name="bench-ft",
                project="bench",
                kinds=["completion"],
                augmentations=[],
                max_examples=args.max_examples,
                split_by="file",
                validate_pairs=False,
            ),
            progress=_progress_printer(),
        )
        walls["dataset"] = time.perf_counter() - t0
        results["dataset"] = _dataset_counts(Path(settings.home) / info.path)
        _say(f"dataset: {results['dataset']}")

        _say(f"training {args.steps} steps")
        t0 = time.perf_counter()
        config = {
            "context_length": args.seq_len,
            "batch_size": args.batch_size,
            "lora_rank": args.rank,
            "lora_alpha": 2 * args.rank,
            "learning_rate": args.lr,
            "eval_every": args.steps,
            "warmup_steps": args.warmup,
            "max_eval_examples": args.val_examples,
            "checkpoint_every": args.steps,
            "early_stopping_patience": 0,
            "device": args.device,
        }
        trained = run_training(
            wb,
            TrainRequest(dataset="bench-ft", name="bench-ft", max_steps=args.steps, config=config),
            progress=_progress_printer(),
        )
        walls["train"] = time.perf_counter() - t0
        m = trained.metrics
        results["training"] = {
            "tag": trained.tag,
            "steps": m.get("steps"),
            "first_loss": m.get("first_loss"),
            "last_loss": m.get("last_loss"),
            "best_val_loss": m.get("best_val_loss"),
            "tokens_per_s": m.get("tokens_per_s"),
            "train_tokens": m.get("train_tokens"),
            "peak_rss_gb": m.get("peak_rss_gb"),
            "memory_estimate_gb": m.get("memory_estimate_gb"),
            "config": config,
            "loss_first10": [h["loss"] for h in trained.loss_history[:10]],
            "loss_last10": [h["loss"] for h in trained.loss_history[-10:]],
            "val_losses": [
                (h["step"], h["val_loss"]) for h in trained.loss_history if "val_loss" in h
            ],
        }
        _say(f"training: {results['training']}")

        evals: dict[str, Any] = {}
        for label, model in (("base", "base"), ("fine-tuned", trained.tag)):
            _say(f"evaluating {label} on the test split")
            t0 = time.perf_counter()
            ev = run_evaluation(
                wb,
                EvaluationRequest(
                    model=model,
                    suite="bench-ft",
                    limit=args.eval_examples,
                    max_tokens=args.fim_max_tokens,
                ),
                progress=_progress_printer(),
            )
            walls[f"eval {label}"] = time.perf_counter() - t0
            evals[label] = {"id": ev.id, "metrics": ev.metrics}
            _say(f"{label}: {ev.metrics}")
        results["evaluations"] = evals
        cmp = compare_evaluations(wb, evals["base"]["id"], evals["fine-tuned"]["id"])
        results["comparison"] = {
            "deltas": [d.model_dump() for d in cmp.deltas],
            "wins": len(cmp.wins),
            "losses": len(cmp.losses),
            "ties": cmp.ties,
        }
    results["walls_s"] = {k: round(v, 1) for k, v in walls.items()}
    return results


def _torch_threads() -> int:
    import torch

    return torch.get_num_threads()


def _dataset_counts(dataset_path: Path) -> dict[str, Any]:
    import json

    counts: dict[str, Any] = {}
    data = dataset_path / "data"
    for split in ("train", "validation", "test"):
        path = data / f"{split}.jsonl"
        rows = (
            [json.loads(x) for x in path.read_text().splitlines() if x.strip()]
            if (path.is_file())
            else []
        )
        fim = sum(1 for r in rows if (r.get("format") or "").startswith("fim"))
        files = {r.get("source_path") for r in rows}
        counts[split] = {"examples": len(rows), "fim": fim, "files": len(files - {None})}
    return counts


def _fmt(value: Any, digits: int = 3) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def _section(results: dict[str, Any], command: str) -> str:
    m = results["machine"]
    ds, tr = results["dataset"], results["training"]
    base = results["evaluations"]["base"]["metrics"]
    ft = results["evaluations"]["fine-tuned"]["metrics"]
    deltas = {d["metric"]: d for d in results["comparison"]["deltas"]}
    nll, fim = deltas.get("nll"), deltas.get("fim")
    cfg = tr["config"]

    def row(name: str, key: str, digits: int = 3, lower_better: bool = False) -> list[str]:
        a, b = base.get(key), ft.get(key)
        delta = "n/a" if a is None or b is None else f"{b - a:+.{digits}f}"
        better = (
            ""
            if a is None or b is None
            else ("yes" if (b < a if lower_better else b > a) else "no")
        )
        return [name, _fmt(a, digits), _fmt(b, digits), delta, better]

    metric_rows = [
        row("perplexity (lower is better)", "perplexity", 2, lower_better=True),
        row("FIM exact match", "fim_exact_match"),
        row("FIM edit similarity", "fim_edit_similarity"),
        ["pass@1", "not measured", "not measured", "", ""],
    ]
    data_rows = [
        [split, f"{c['examples']:,}", f"{c['fim']:,}", c["files"]] for split, c in ds.items()
    ]
    train_rows = [
        [
            "steps x batch x seq len",
            f"{tr['steps']} x {cfg['batch_size']} x {cfg['context_length']} (packed)",
        ],
        [
            "LoRA",
            f"rank {cfg['lora_rank']}, alpha {cfg['lora_alpha']}, q/k/v/o, "
            f"lr {cfg['learning_rate']}",
        ],
        ["training tokens/s", f"**{tr['tokens_per_s']}** ({tr['train_tokens']:,} tokens)"],
        ["train loss, first -> last step", f"{tr['first_loss']} -> {tr['last_loss']}"],
        ["validation loss by step", ", ".join(f"{s}: {v}" for s, v in tr["val_losses"])],
        ["peak RSS / estimate", f"{tr['peak_rss_gb']} GiB / {tr['memory_estimate_gb']} GiB"],
    ]
    walls = results["walls_s"]
    beats = (
        ft.get("perplexity") is not None
        and base.get("perplexity") is not None
        and ft["perplexity"] < base["perplexity"]
    )
    lines = [
        HEADING,
        "",
        "```",
        command,
        "```",
        "",
        f"**Machine**: {m['cpu']}, {m['cores']} cores (torch threads {m['torch_threads']}), "
        f"{m['ram_gib']} GiB RAM, Python {m['python']}; {m['date']}. Codebase: "
        f"{results['package']} sdist, `{results['subtree']}/` ({results['python_files']:,} "
        "Python files), ingested lexically; dataset of `completion` examples "
        "(left-to-right + FIM, no augmentation), split by file. Model: the packaged "
        "Gemma 3 270M, fp32 on CPU.",
        "",
        markdown_table(["split", "examples", "of which FIM", "files"], data_rows),
        "",
        markdown_table(["training", "value"], train_rows),
        "",
        "Base versus fine-tuned on the same leading examples of the held-out test split "
        f"(`devlab eval --limit {results['eval_examples']}` stops after that many FIM "
        f"examples): perplexity on {nll['tasks'] if nll else 'n/a'} completion examples "
        f"({base.get('heldout_tokens', 0):,} tokens), FIM on {base.get('fim_examples', 0)} "
        f"(greedy, at most {results['fim_max_tokens']} new tokens):",
        "",
        markdown_table(["metric", "base", "fine-tuned", "delta", "better"], metric_rows),
        "",
    ]
    if nll is not None:
        lines.append(
            f"Per-example mean NLL/token: {nll['a']:.4f} -> {nll['b']:.4f} (delta "
            f"{nll['delta']:+.4f}, bootstrap 95% CI [{nll['ci_low']:+.4f}, "
            f"{nll['ci_high']:+.4f}], {nll['tasks']} examples)."
        )
    if fim is not None:
        lines.append(
            f"FIM exact match delta {fim['delta']:+.3f}, 95% CI [{fim['ci_low']:+.3f}, "
            f"{fim['ci_high']:+.3f}] over {fim['tasks']} examples (fine-tuned right where "
            f"base was wrong on {results['comparison']['wins']}, the reverse on "
            f"{results['comparison']['losses']}, the same on {results['comparison']['ties']})."
        )
    lines += [
        "",
        "pass@1: not measured. The test split has no runnable tasks: its examples are "
        "completions of Django functions, and running Django's own tests needs its test "
        "runner, settings and database, not a per-function sandbox run. pass@1 on a "
        "codebase whose tests run with plain pytest: see the section on team tasks below.",
        "",
        "Wall times (s): " + ", ".join(f"{k} {v}" for k, v in walls.items()) + ".",
        "",
        "**Verdict**: the fine-tuned model "
        + (
            "**beats** the base model on held-out perplexity"
            if beats
            else "does **not** beat the base model on held-out perplexity"
        )
        + " of the codebase it was trained on.",
        "",
    ]
    if results.get("reading"):
        lines += [results["reading"], ""]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--package", default="Django==5.1.4", help="a pinned PyPI sdist")
    parser.add_argument("--subtree", default="django", help="the sdist's directory to use")
    parser.add_argument("--steps", type=int, default=200, help="optimiser steps")
    parser.add_argument("--max-examples", type=int, default=3000)
    parser.add_argument("--seq-len", type=int, default=256)
    parser.add_argument("--batch-size", type=int, default=4)
    parser.add_argument("--rank", type=int, default=16)
    parser.add_argument("--lr", type=float, default=3e-4)
    parser.add_argument("--warmup", type=int, default=10, help="warmup steps")
    parser.add_argument(
        "--val-examples",
        type=int,
        default=64,
        help="validation examples for the end-of-run validation loss",
    )
    parser.add_argument("--device", default="auto", choices=["auto", "cpu", "cuda"])
    parser.add_argument(
        "--eval-examples",
        type=int,
        default=100,
        help="FIM examples of the test split (perplexity: every completion example up to there)",
    )
    parser.add_argument("--fim-max-tokens", type=int, default=64)
    parser.add_argument("--reading", default="", help="a paragraph to put under the tables")
    parser.add_argument("--write", action="store_true", help="update docs/benchmarks.md")
    parser.add_argument(
        "--from-json", type=Path, help="render (and --write) saved results instead of running"
    )
    args = parser.parse_args()
    if args.from_json:
        results = saved_results(args.from_json, args.reading)
        flags = results["argv"]
    else:
        results = run(args)
        flags = [a for a in sys.argv[1:] if a != "--write"]
        results |= {
            "eval_examples": args.eval_examples,
            "fim_max_tokens": args.fim_max_tokens,
            "reading": args.reading,
            "argv": flags,
        }
        write_json(DATA_DIR / "finetune-results.json", results)
    command = " ".join([".venv/bin/python benchmarks/bench_finetune.py", *flags])
    section = _section(results, command + (" --write" if args.write else ""))
    print(section)
    if args.write:
        write_docs_section(HEADING, section)


if __name__ == "__main__":
    main()
