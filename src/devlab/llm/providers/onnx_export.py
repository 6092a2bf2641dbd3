"""Export a DevLab model directory to ONNX Runtime GenAI (int8), in a child process.

    python -m devlab.llm.providers.onnx_export MODEL_DIR OUT_DIR [--adapter ADAPTER_DIR]

Run by :func:`devlab.llm.providers.onnx_genai.ensure_onnx_model` as a subprocess: the
model builder imports torch and transformers and holds the fp32 weights while it
quantises, so the serving process never pays that memory, and the builder's chatty
output goes to a log instead of the user's terminal.

The builder (``onnxruntime_genai.models.builder``, shipped in the prebuilt wheel) reads
the model's Hugging Face ``config.json``. Two adaptations make it read ours:

- transformers 5 writes Gemma 3's RoPE settings per attention type
  (``rope_parameters = {"full_attention": {...}, "sliding_attention": {...}}``); the
  builder wants the flat form plus ``rope_local_base_freq`` (its ``KeyError:
  'rope_type'`` otherwise). The config object is rewritten in memory, nothing on disk.
- the builder saves a Hugging Face tokenizer beside the model; a DevLab directory has
  the rebuilt SentencePiece tokenizer instead (the serving code encodes with it and
  hands token ids to the engine), so that step is skipped.

A LoRA adapter is merged into the weights first (peft ``merge_and_unload``, the
vocabulary grown to the adapter's), saved to a scratch directory inside ``OUT_DIR`` and
exported from there.

Settings (measured on the packaged Gemma 3 270M, docs/benchmarks.md): int8 weights in
blocks of 32 (``MatMulNBits``) with int8 activations (``accuracy_level=4``). int4 was
twice as fast again but its greedy continuations left the fp32 reference after one
token on most prompts; int8 in blocks of 32 follows it for 11-32 tokens.
``prune_lm_head`` computes the 262k-word output layer for the last prompt position
only: the time to the first token of a 500-token prompt fell 2.5x (7.9 -> 3.2 s at
load 12), the tokens unchanged.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from pathlib import Path
from typing import Any

BUILD_OPTIONS = ["accuracy_level=4", "block_size=32", "prune_lm_head=true"]
PRECISION = "int8"


def flat_rope(config: Any) -> Any:
    """Gemma 3's per-layer-type RoPE settings in the flat form the builder reads."""
    params = getattr(config, "rope_parameters", None)
    if isinstance(params, dict) and "full_attention" in params:
        full, local = params["full_attention"], params.get("sliding_attention", {})
        theta = full.get("rope_theta", 1_000_000.0)
        kind = full.get("rope_type", "default")
        config.rope_parameters = {"rope_type": kind, "rope_theta": theta}
        config.rope_theta = theta
        config.rope_local_base_freq = local.get("rope_theta", 10_000.0)
    return config


def merge_adapter(model_dir: Path, adapter: Path, out: Path) -> Path:
    """The model with ``adapter`` merged in, saved to ``out`` (a scratch directory)."""
    from peft import PeftModel
    from transformers import AutoModelForCausalLM

    from devlab.llm.providers.hf import adapter_vocab_size, grow_vocab

    model = AutoModelForCausalLM.from_pretrained(str(model_dir))
    grow_vocab(model, adapter_vocab_size(adapter, 0))
    merged = PeftModel.from_pretrained(model, str(adapter)).merge_and_unload()
    merged.save_pretrained(str(out))
    return out


def export(model_dir: Path, out: Path, adapter: Path | None = None) -> None:
    """Write ``model.onnx`` (+ data) and ``genai_config.json`` for ``model_dir`` into ``out``."""
    import onnxruntime_genai.models.builder as builder
    from transformers import AutoConfig

    out.mkdir(parents=True, exist_ok=True)
    scratch = out / ".merged"
    source = merge_adapter(model_dir, adapter, scratch) if adapter else model_dir

    def hf_details(model_name: Any, input_path: str, cache_dir: Any, extra: Any) -> dict:
        config = flat_rope(AutoConfig.from_pretrained(input_path))
        return {"extra_kwargs": {}, "hf_name": input_path, "hf_config": config}

    builder.get_hf_details = hf_details
    for name in dir(builder):  # every model class: no Hugging Face tokenizer to save
        cls = getattr(builder, name)
        if isinstance(cls, type) and hasattr(cls, "save_processing"):
            cls.save_processing = lambda self, *a, **k: None
    cache = out / ".cache"
    options = builder.parse_extra_options(
        None, str(source), str(out), PRECISION, "cpu", str(cache), list(BUILD_OPTIONS)
    )
    builder.create_model(None, str(source), str(out), PRECISION, "cpu", str(cache), **options)
    shutil.rmtree(scratch, ignore_errors=True)
    shutil.rmtree(cache, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("model_dir", type=Path)
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--adapter", type=Path, default=None)
    args = parser.parse_args(argv)
    started = time.monotonic()
    export(args.model_dir, args.out_dir, args.adapter)
    print(f"devlab: exported in {time.monotonic() - started:.1f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
