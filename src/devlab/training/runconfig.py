"""A fine-tuning run's configuration: every knob with its default in one block, read from
YAML, overrides checked (unknown keys and wrong types fail loudly); the memory estimate
checked before a run starts; accelerate configs for multi-GPU / multi-node runs.

Presets (YAML files) override only what differs::

    # configs/fast.yaml
    lora_rank: 8
    max_steps: 50
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Literal, NamedTuple

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from devlab.errors import InvalidInput, describe_validation_errors
from devlab.training.errors import WontFit

__all__ = [
    "MemoryEstimate",
    "ModelShape",
    "RunConfig",
    "available_memory",
    "check_fits",
    "estimate_memory",
    "load_run_config",
    "model_shape",
    "write_accelerate_config",
]

GIB = 1024**3


class RunConfig(BaseModel):
    """Every knob of a run (defaults: LoRA rank 16, alpha 32, lr 3e-4; context 512 on
    CPU, 2048 on GPU; on CPU one sequence per micro-batch accumulated 4 times, so the
    default run of the packaged model peaks under 4 GB there; 4 sequences once on GPU)."""

    model_config = ConfigDict(extra="forbid")

    # -- model
    base_model: str = ""  # "" = the packaged Gemma 3 270M; else a local model directory
    method: Literal["lora", "qlora", "full"] = "lora"  # qlora needs CUDA + bitsandbytes
    lora_rank: int = Field(default=16, ge=1, le=1024)
    lora_alpha: int = Field(default=32, ge=1)
    lora_dropout: float = Field(default=0.05, ge=0, lt=1)
    target_modules: list[str] = Field(default=["q_proj", "k_proj", "v_proj", "o_proj"])
    device: Literal["auto", "cpu", "cuda"] = "auto"
    # -- data
    kinds: list[str] | None = None  # only these example kinds (default: all)
    context_length: int | None = Field(default=None, ge=16, le=131_072)  # None: 512/2048
    packing: bool = True  # pack short examples into one sequence
    max_train_examples: int | None = Field(default=None, ge=1)
    max_eval_examples: int = Field(default=64, ge=0)
    # -- optimisation
    learning_rate: float = Field(default=3e-4, gt=0)
    min_lr_ratio: float = Field(default=0.1, ge=0, le=1)  # cosine decays to lr * this
    warmup_steps: int = Field(default=10, ge=0)
    weight_decay: float = Field(default=0.0, ge=0)
    batch_size: int | None = Field(default=None, ge=1)  # None: 1 on CPU, 4 on GPU
    gradient_accumulation: int | None = Field(default=None, ge=1)  # None: 4 on CPU, 1 on GPU
    max_steps: int = Field(default=200, ge=1)  # optimiser steps
    grad_clip: float = Field(default=1.0, ge=0)  # 0: off
    seed: int = 0
    # -- evaluation, checkpoints, stopping
    eval_every: int = Field(default=50, ge=1)
    checkpoint_every: int = Field(default=50, ge=1)
    keep_checkpoints: int = Field(default=2, ge=1)
    early_stopping_patience: int = Field(default=3, ge=0)  # evals without gain; 0: off
    # -- memory and export
    memory_limit_gb: float | None = Field(default=None, gt=0)  # None: what is free now
    export_merged: bool = False  # also save base + adapter merged (serves without peft)
    export_gguf: bool = False  # Gemma/Qwen bases from a GGUF: DevLab writes it; else llama.cpp

    def resolved(self, device: str) -> RunConfig:
        """This config with the device-dependent defaults filled in."""
        gpu = device == "cuda"
        defaults = {
            "context_length": 2048 if gpu else 512,
            "batch_size": 4 if gpu else 1,
            "gradient_accumulation": 1 if gpu else 4,
        }
        update = {k: v for k, v in defaults.items() if getattr(self, k) is None}
        return self.model_copy(update=update) if update else self


def load_run_config(path: Path | None = None, **overrides: Any) -> RunConfig:
    """Defaults < the YAML file < ``overrides`` (``None`` values are ignored)."""
    data: dict[str, Any] = {}
    if path is not None:
        import yaml

        try:
            loaded = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as exc:
            raise InvalidInput(f"cannot read run config {path}: {exc}") from exc
        if not isinstance(loaded, dict):
            raise InvalidInput(f"run config {path} must be a mapping of knob: value")
        data.update(loaded)
    data.update({k: v for k, v in overrides.items() if v is not None})
    try:
        return RunConfig.model_validate(data)
    except ValidationError as exc:
        known = ", ".join(RunConfig.model_fields)
        raise InvalidInput(
            f"bad run config: {describe_validation_errors(exc.errors(), 'config')} "
            f"(known knobs: {known})"
        ) from exc


# -- memory ---------------------------------------------------------------------------------


class ModelShape(NamedTuple):
    params: int
    hidden: int
    layers: int
    heads: int
    vocab: int


def model_shape(model_dir: Path) -> ModelShape:
    """Sizes read from ``config.json`` and the weight files, without loading the model."""
    config = json.loads((model_dir / "config.json").read_text(encoding="utf-8"))
    config = config.get("text_config", config)
    dtype = str(config.get("dtype") or config.get("torch_dtype") or "float32")
    width = 2 if ("16" in dtype) else 4
    weight_bytes = sum(p.stat().st_size for p in model_dir.glob("*.safetensors"))
    weight_bytes += sum(p.stat().st_size for p in model_dir.glob("*.bin"))
    return ModelShape(
        params=weight_bytes // width,
        hidden=int(config.get("hidden_size", 1024)),
        layers=int(config.get("num_hidden_layers", 24)),
        heads=int(config.get("num_attention_heads", 16)),
        vocab=int(config.get("vocab_size", 32000)),
    )


class MemoryEstimate(NamedTuple):
    total_bytes: int
    parts: dict[str, int]

    @property
    def gib(self) -> float:
        return self.total_bytes / GIB

    def describe(self) -> str:
        parts = ", ".join(f"{k} {v / GIB:.2f}" for k, v in self.parts.items())
        return f"{self.gib:.2f} GiB ({parts})"


# What the process holds before the model: Python, torch, transformers, peft (measured
# about 0.45 GiB of RSS on CPU).
RUNTIME_BYTES = int(0.45 * GIB)
# CPU only: what the allocator keeps across micro-steps (freed blocks it does not return;
# measured peaks rose about 0.5-0.9 GiB after the first micro-batch).
ALLOCATOR_SLACK_BYTES = int(0.5 * GIB)
# Positions whose logits ``finetune.lm_loss`` computes at once (see there).
LOSS_CHUNK_TOKENS = 256


def estimate_memory(config: RunConfig, shape: ModelShape, device: str) -> MemoryEstimate:
    """Peak memory of one training step: the runtime (CPU only), the weights, the
    trainable parameters with their gradients and Adam state, the activations
    (Korthikanti et al.'s 34·s·h + 5·a·s² per layer, no recomputation) and the loss's
    logits, which ``lm_loss`` computes ``LOSS_CHUNK_TOKENS`` positions at a time (three
    chunk x vocabulary copies: logits, log-softmax, gradient), never batch x sequence x
    vocabulary. Checked against measured peaks on CPU (docs/benchmarks.md): within 25%."""
    config = config.resolved(device)
    assert config.context_length is not None and config.batch_size is not None
    width = 2 if device == "cuda" else 4  # bf16 on GPU, fp32 on CPU
    weight_width = 0.5 if config.method == "qlora" else width
    b, s, h = config.batch_size, config.context_length, shape.hidden
    if config.method == "full":
        trainable = shape.params
    else:  # q, k, v, o: each an A (h x r) and B (r x h) pair, roughly
        trainable = shape.layers * len(config.target_modules) * 2 * h * config.lora_rank
    parts = {
        "runtime": 0 if device == "cuda" else RUNTIME_BYTES + ALLOCATOR_SLACK_BYTES,
        "weights": int(shape.params * weight_width),
        "trainable+grads+adam": int(trainable * (4 + 4 + 8)),
        "activations": int(
            shape.layers * (34 * s * b * h + 5 * shape.heads * s * s * b) * width / 2
        ),
        "logits": int(3 * min(LOSS_CHUNK_TOKENS, b * s) * shape.vocab * 4),
    }
    return MemoryEstimate(sum(parts.values()), parts)


def available_memory(device: str) -> int:
    """Bytes free now: GPU memory on CUDA, ``MemAvailable`` on CPU."""
    if device == "cuda":
        import torch

        free, _ = torch.cuda.mem_get_info()
        return int(free)
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    import os

    return int(os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"))


def check_fits(config: RunConfig, shape: ModelShape, device: str) -> MemoryEstimate:
    """The estimate, or ``WontFit`` (422) naming it and what is available."""
    estimate = estimate_memory(config, shape, device)
    limit = (
        int(config.memory_limit_gb * GIB)
        if config.memory_limit_gb is not None
        else available_memory(device)
    )
    if estimate.total_bytes > limit:
        raise WontFit(
            f"this run needs about {estimate.describe()} of {'GPU' if device == 'cuda' else ''}"
            f" memory but {limit / GIB:.2f} GiB is available: lower batch_size "
            f"({config.batch_size}) or context_length ({config.context_length}), "
            "or raise gradient_accumulation instead",
            detail={
                "estimate_bytes": estimate.total_bytes,
                "available_bytes": limit,
                "parts": estimate.parts,
            },
        )
    return estimate


# -- accelerate ------------------------------------------------------------------------------


def write_accelerate_config(
    path: Path,
    *,
    gpus: int,
    machines: int = 1,
    machine_rank: int = 0,
    main_process_ip: str = "127.0.0.1",
    main_process_port: int = 29500,
    mixed_precision: Literal["no", "bf16", "fp16"] = "bf16",
) -> Path:
    """An ``accelerate launch --config_file`` YAML for ``gpus`` GPUs per machine on
    ``machines`` machines (data parallel, DDP)."""
    if gpus < 1 or machines < 1 or not 0 <= machine_rank < machines:
        raise InvalidInput(
            f"bad accelerate layout: gpus={gpus}, machines={machines}, machine_rank={machine_rank}"
        )
    import yaml

    multi = gpus * machines > 1
    config: dict[str, Any] = {
        "compute_environment": "LOCAL_MACHINE",
        "distributed_type": "MULTI_GPU" if multi else "NO",
        "mixed_precision": mixed_precision,
        "num_machines": machines,
        "num_processes": gpus * machines,
        "machine_rank": machine_rank,
        "gpu_ids": "all",
        "use_cpu": False,
        "rdzv_backend": "static",
        "same_network": True,
        "main_training_function": "main",
        "downcast_bf16": "no",
    }
    if machines > 1:
        config["main_process_ip"] = main_process_ip
        config["main_process_port"] = main_process_port
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(config, sort_keys=True), encoding="utf-8")
    return path
