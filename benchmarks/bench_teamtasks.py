"""Team-task benchmark: pass@1 on a real codebase's own held-out functions and bug fixes,
judged by its own tests, base model versus the model fine-tuned on the rest of it.

    python benchmarks/bench_teamtasks.py [--package toolz==1.0.0] [--subtree toolz]
        [--steps 40] [--tasks 40] [--max-tokens 128] [--seed 0] [--write]

Steps (one process, a temporary ``DEVLAB_HOME``; only the sdist is fetched, once, with
pip into ``benchmarks/.data/``):

1. copy ``--subtree`` of the sdist (with its licence and pyproject.toml) and ingest it;
2. build a dataset (``completion``, ``doc-to-code``, ``bug-fix``; bug-fix pairs checked
   against the project's tests in the sandbox), split by file (70/10/20 by default), so
   no held-out function's code is seen in training;
3. ``run_training`` (what ``devlab train`` runs): LoRA on the packaged model, every kind
   (causal LM on completions, SFT on the instruction records);
4. ``run_evaluation`` (what ``devlab eval --suite DATASET --metrics pass`` runs) of
   ``base`` and of the new version on the first ``--tasks`` held-out tasks: each
   function's body written from its file prefix, signature and docstring, each bug-fix
   pair repaired, then the function's own tests run in the sandbox; plus perplexity on
   every held-out completion example (``--metrics nll``); ``compare_evaluations`` gives
   bootstrap 95% intervals and per-task wins/losses.

``--write`` replaces the section of docs/benchmarks.md; results also go to
benchmarks/.data/teamtasks-results.json. Set ``DEVLAB_LLM_MODELS_DIR`` to reuse a
converted copy of the packaged model.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import DATA_DIR, markdown_table, saved_results, write_docs_section, write_json
from bench_finetune import _progress_printer, _say, ingested_workbench

HEADING = "## Team tasks: pass@1 judged by the codebase's own tests (CPU)"


def _held_out(dataset_dir: Path) -> dict[str, Any]:
    from devlab.training.teamtasks import team_task
    from devlab.training.trainingdata import load_split

    rows = load_split(dataset_dir / "data", "test")
    tasks = [t for t in map(team_task, rows) if t is not None]
    return {
        "examples": len(rows),
        "files": sorted({r["source_path"] for r in rows if r["kind"] != "completion"}),
        "tasks": len(tasks),
        "by_kind": {k: sum(t.kind == k for t in tasks) for k in ("doc-to-code", "bug-fix")},
    }


def run(args: argparse.Namespace) -> dict[str, Any]:
    from devlab.training.datasets import DatasetBuildRequest, build_dataset
    from devlab.training.evaluate import compare_evaluations
    from devlab.training.jobs import run_evaluation, run_training
    from devlab.training.models import EvaluationRequest, TrainRequest

    walls: dict[str, float] = {}
    results: dict[str, Any] = {}
    with ingested_workbench(args.package, args.subtree, results, walls) as (wb, settings):
        _say("building the dataset (bug-fix pairs checked in the sandbox)")
        t0 = time.perf_counter()
        info = build_dataset(
            wb.db,
            settings,
            DatasetBuildRequest(
                name="bench-tasks",
                project="bench",
                kinds=["completion", "doc-to-code", "bug-fix"],
                augmentations=[],
                split_by="file",
                split_ratios={"train": 0.7, "validation": 0.1, "test": 0.2},
                seed=args.seed,
                max_validations=args.max_validations,
                validation_timeout=20,
            ),
            progress=_progress_printer(),
        )
        walls["dataset"] = time.perf_counter() - t0
        validated = info.counts.get("validated", {}).get("bug-fix")
        results["dataset"] = {"by_split": info.counts.get("by_split"), "validated": validated}
        results["held_out"] = _held_out(Path(settings.home) / info.path)
        _say(f"dataset {results['dataset']}; held out {results['held_out']}")

        _say(f"training {args.steps} steps")
        t0 = time.perf_counter()
        config = {
            "context_length": args.seq_len,
            "batch_size": args.batch_size,
            "learning_rate": args.lr,
            "eval_every": args.steps,
            "warmup_steps": min(10, args.steps // 5),
            "max_eval_examples": 32,
            "checkpoint_every": args.steps,
            "early_stopping_patience": 0,
        }
        trained = run_training(
            wb,
            TrainRequest(
                dataset="bench-tasks", name="bench-tasks", max_steps=args.steps, config=config
            ),
            progress=_progress_printer(),
        )
        walls["train"] = time.perf_counter() - t0
        m = trained.metrics
        results["training"] = {
            "tag": trained.tag,
            "config": config,
            **{k: m.get(k) for k in ("steps", "first_loss", "last_loss", "best_val_loss",
                                     "tokens_per_s", "train_tokens")},
        }  # fmt: skip
        _say(f"training: {results['training']}")

        evals: dict[str, Any] = {}
        for label, model in (("base", "base"), ("fine-tuned", trained.tag)):
            for metric, limit in (("pass", args.tasks), ("nll", None)):
                _say(f"evaluating {label}: {metric}")
                t0 = time.perf_counter()
                ev = run_evaluation(
                    wb,
                    EvaluationRequest(
                        model=model,
                        suite="bench-tasks",
                        metrics=[metric],
                        limit=limit,
                        max_tokens=args.max_tokens,
                        timeout_s=20,
                    ),
                    progress=_progress_printer(),
                )
                walls[f"eval {label} {metric}"] = time.perf_counter() - t0
                evals[f"{label} {metric}"] = {"id": ev.id, "metrics": ev.metrics}
                _say(f"{label} {metric}: {ev.metrics}")
        results["evaluations"] = evals
        comparisons = {}
        for metric in ("pass", "nll"):
            cmp = compare_evaluations(
                wb, evals[f"base {metric}"]["id"], evals[f"fine-tuned {metric}"]["id"]
            )
            comparisons[metric] = {
                "deltas": [d.model_dump() for d in cmp.deltas],
                "wins": cmp.wins,
                "losses": cmp.losses,
                "ties": cmp.ties,
            }
        results["comparison"] = comparisons
    results["walls_s"] = {k: round(v, 1) for k, v in walls.items()}
    return results


def _pct(value: Any) -> str:
    return "n/a" if value is None else f"{100 * value:.1f}%"


def _section(results: dict[str, Any], command: str) -> str:
    m, held, tr = results["machine"], results["held_out"], results["training"]
    ev = results["evaluations"]
    base, ft = ev["base pass"]["metrics"], ev["fine-tuned pass"]["metrics"]
    rows = [
        ["pass@1, all tasks", _pct(base.get("pass@1")), _pct(ft.get("pass@1")),
         f"{base.get('tasks', 0)} / {ft.get('tasks', 0)}"],
    ]  # fmt: skip
    for kind in ("doc-to-code", "bug-fix"):
        a = base.get("by_kind", {}).get(kind, {})
        b = ft.get("by_kind", {}).get(kind, {})
        label = "functions with tests" if kind == "doc-to-code" else "bug fixes"
        rows.append([f"pass@1, {label}", _pct(a.get("pass@1")), _pct(b.get("pass@1")),
                     f"{a.get('tasks', 0)} / {b.get('tasks', 0)}"])  # fmt: skip
    rows += [
        ["syntax validity", _pct(base.get("syntax_validity")), _pct(ft.get("syntax_validity")),
         ""],
        ["style consistency", _pct(base.get("style_consistency")),
         _pct(ft.get("style_consistency")),
         f"{base.get('style_checked', 0)} / {ft.get('style_checked', 0)} checked"],
        ["perplexity, held-out completions",
         f"{ev['base nll']['metrics'].get('perplexity', float('nan')):.2f}",
         f"{ev['fine-tuned nll']['metrics'].get('perplexity', float('nan')):.2f}",
         f"{ev['base nll']['metrics'].get('heldout_tokens', 0):,} tokens"],
    ]  # fmt: skip
    cmp = results["comparison"]
    notes = []
    for metric, what in (("pass", "pass@1 per task"), ("nll", "NLL/token per example")):
        for d in cmp[metric]["deltas"]:
            if d["metric"] == metric:
                notes.append(
                    f"{what}: delta {d['delta']:+.3f}, bootstrap 95% CI [{d['ci_low']:+.3f}, "
                    f"{d['ci_high']:+.3f}] over {d['tasks']}"
                )
    wins, losses = cmp["pass"]["wins"], cmp["pass"]["losses"]
    lines = [
        HEADING,
        "",
        "```",
        command,
        "```",
        "",
        f"**Machine**: {m['cpu']}, {m['cores']} cores, {m['ram_gib']} GiB RAM, Python "
        f"{m['python']}; {m['date']}. Codebase: {results['package']} sdist, "
        f"`{results['subtree']}/` ({results['python_files']} Python files, its tests "
        "included). Model: the packaged Gemma 3 270M, fp32 on CPU, greedy.",
        "",
        f"Dataset split by file: {results['dataset']['by_split']}; bug-fix pairs checked "
        f"against the project's tests: {results['dataset']['validated']}. Held-out split: "
        f"{held['examples']} examples from {', '.join(held['files']) or 'no files'}; "
        f"{held['tasks']} runnable tasks ({held['by_kind']['doc-to-code']} functions with "
        f"tests, {held['by_kind']['bug-fix']} bug fixes the tests catch).",
        "",
        f"Fine-tuning: LoRA rank 16 for {tr['steps']} steps x {tr['config']['batch_size']} x "
        f"{tr['config']['context_length']} tokens, lr {tr['config']['learning_rate']}, "
        f"{tr['tokens_per_s']} training tokens/s; train loss {tr['first_loss']} -> "
        f"{tr['last_loss']}, "
        + (
            f"validation loss {tr['best_val_loss']}."
            if tr["best_val_loss"] is not None
            else "no validation loss (no file fell in the validation split)."
        ),
        "",
        markdown_table(["metric", "base", "fine-tuned", "tasks (base / fine-tuned)"], rows),
        "",
        "; ".join(notes) + ".",
        f"Tasks the fine-tuned model solves and the base does not: {len(wins)}; the "
        f"reverse: {len(losses)}; tasks the project's own code fails (not judged): "
        f"{base.get('tasks_not_judged', 0)}.",
        "",
        "Wall times (s): " + ", ".join(f"{k} {v}" for k, v in results["walls_s"].items()) + ".",
        "",
    ]
    if results.get("reading"):
        lines += [results["reading"], ""]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--package", default="toolz==1.0.0", help="a pinned PyPI sdist")
    parser.add_argument("--subtree", default="toolz", help="the sdist's directory to use")
    parser.add_argument("--steps", type=int, default=40)
    parser.add_argument("--seq-len", type=int, default=256)
    parser.add_argument("--batch-size", type=int, default=2)
    parser.add_argument("--lr", type=float, default=3e-4)
    parser.add_argument("--tasks", type=int, default=40, help="held-out tasks evaluated")
    parser.add_argument("--max-tokens", type=int, default=128, help="per generated function")
    parser.add_argument("--max-validations", type=int, default=300)
    parser.add_argument("--seed", type=int, default=0, help="the split's seed")
    parser.add_argument("--reading", default="", help="a paragraph to put under the table")
    parser.add_argument("--write", action="store_true", help="update docs/benchmarks.md")
    parser.add_argument("--from-json", type=Path, help="render saved results instead")
    args = parser.parse_args()
    if args.from_json:
        results = saved_results(args.from_json, args.reading)
        flags = results["argv"]
    else:
        results = run(args)
        flags = [a for a in sys.argv[1:] if a != "--write"]
        results |= {"reading": args.reading, "argv": flags}
        write_json(DATA_DIR / "teamtasks-results.json", results)
    command = " ".join([".venv/bin/python benchmarks/bench_teamtasks.py", *flags])
    section = _section(results, command + (" --write" if args.write else ""))
    print(section)
    if args.write:
        write_docs_section(HEADING, section)


if __name__ == "__main__":
    main()
