"""Peak RSS of a 2-step training run of the packaged Gemma 3 270M on CPU, against the
memory estimate, on a small real dataset (FIM completions cut from click's sources).

    .venv/bin/python benchmarks/bench_train_memory.py /tmp/mem-run '{"max_eval_examples": 8}'

The second argument overrides run-config knobs (e.g. batch_size, gradient_accumulation).
Figures: docs/benchmarks.md, "Training memory (issue 14)"."""

import json
import random
import resource
import sys
import time
from pathlib import Path

import click

from devlab.config import load_settings
from devlab.training.finetune import finetune
from devlab.training.runconfig import RunConfig

out = Path(sys.argv[1])
data = out / "data"
data.mkdir(parents=True, exist_ok=True)
rng = random.Random(0)
rows = []
for f in sorted(Path(click.__file__).parent.glob("*.py")):
    text = f.read_text()
    for i in range(0, len(text) - 1500, 700):
        piece = text[i : i + 1500]
        a, b = 500, 500 + rng.randint(50, 300)
        rows.append(
            {
                "kind": "completion",
                "prompt": f"<fim_prefix>{piece[:a]}<fim_suffix>{piece[b:]}<fim_middle>",
                "completion": piece[a:b],
                "instruction": None,
                "response": None,
            }
        )
rng.shuffle(rows)
n = len(rows)
cut = int(n * 0.9)
for split, part in (("train", rows[:cut]), ("validation", rows[cut:])):
    (data / f"{split}.jsonl").write_text("".join(json.dumps(r) + "\n" for r in part))
kw = json.loads(sys.argv[2]) if len(sys.argv) > 2 else {}
config = RunConfig(max_steps=2, device="cpu", **kw)
settings = load_settings(home=out / "home", llm_models_dir="/tmp/devlab-test-models")
t = time.time()
res = finetune(settings, config, data, out / "run", log=lambda m: print(m, flush=True))
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(
    json.dumps(
        {
            "examples": n,
            "config": kw,
            "estimate_gib": res.memory_estimate_gb,
            "peak_rss_gib": round(peak / 1024**3, 3),
            "seconds": round(time.time() - t),
            "tokens_per_s": res.tokens_per_s,
        }
    )
)
