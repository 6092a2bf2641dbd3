"""Fine-tuning with LoRA (peft) or in full, read top to bottom like nanoGPT's
``train.py``:

config -> memory check -> data -> model + LoRA adapters -> optimizer -> ``get_lr`` /
``evaluate`` -> the loop (checkpoint, early stopping, cancel) -> export + loss curve.

The base model is the packaged Gemma 3 270M or any Hugging Face causal-LM directory
(``modeling``). When its tokenizer had no FIM tokens they were added, and LoRA trains
and saves those embedding rows too (peft's ``trainable_token_indices``; the output rows
as well when the model does not tie them), so the adapter carries what it learned
about them.

A run directory holds::

    config.yaml              the resolved run config
    checkpoints/step-000050/ adapter (or full) weights, optimizer.pt, state.json (step,
                             best validation loss, history): ``resume`` continues from
                             the newest one, after a crash or a cancel
    adapter/                 LoRA: the exported adapter (the best by validation loss) +
                             devlab-tokens.json (how FIM markers were encoded, the
                             vocabulary size) + the tokenizer of a Hugging Face base
    weights/                 full fine-tuning: the best model, standalone (weights,
                             tokenizer, devlab-tokens.json); the registry serves it
    merged/                  LoRA: base + best adapter merged (``export_merged``)
    history.jsonl, loss.png  one line per step; the loss curves

Early stopping: after ``early_stopping_patience`` evaluations without a lower
validation loss the run stops; the exported adapter (or weights) is the best one.

Cancel: the ``progress`` callback (a job's ``JobContext.progress``) raises
``JobCancelled`` between steps; the run saves a checkpoint first, so it resumes where it
stopped. Nothing here downloads anything.
"""

from __future__ import annotations

import json
import math
import resource
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from devlab.config import Settings
from devlab.errors import ComponentUnavailable, InvalidInput
from devlab.progress import JobCancelled, ProgressFn, report
from devlab.training.modeling import TOKENS_FILE, TextCodec, load_base_model, resolve_base_dir
from devlab.training.runconfig import (
    LOSS_CHUNK_TOKENS,
    MemoryEstimate,
    RunConfig,
    check_fits,
    model_shape,
)
from devlab.training.trainingdata import Sequence, batch_for_step, load_split, prepare_split

__all__ = [
    "TrainResult",
    "find_gguf_converter",
    "finetune",
    "latest_checkpoint",
    "lm_loss",
    "plot_losses",
]

LogFn = Callable[[str], None]


class TrainResult(BaseModel):
    run_dir: str
    adapter_dir: str | None  # LoRA / QLoRA: the best adapter
    weights_dir: str | None = None  # a standalone model: full run's weights, or merged/
    merged_dir: str | None = None
    gguf_path: str | None = None
    steps: int
    resumed_from: int | None = None
    stopped_early: bool = False
    first_loss: float | None
    last_loss: float | None
    best_val_loss: float | None
    tokens_per_s: float
    train_tokens: int
    memory_estimate_gb: float
    peak_rss_gb: float
    history: list[dict[str, Any]] = Field(default_factory=list)
    config: dict[str, Any] = Field(default_factory=dict)


# -- 1. config and checks -------------------------------------------------------------------


def _device(config: RunConfig) -> str:
    from devlab.llm import resolve_device

    return resolve_device(config.device)


def _check_method(config: RunConfig, device: str) -> None:
    if config.method != "qlora":
        return
    import importlib.util

    if device != "cuda" or importlib.util.find_spec("bitsandbytes") is None:
        raise ComponentUnavailable(
            "QLoRA (4-bit) needs a CUDA GPU and bitsandbytes (pip install bitsandbytes); "
            f"this machine has device {device!r}: use method: lora"
        )


def find_gguf_converter() -> Path | None:
    """llama.cpp's HF -> GGUF converter, if installed (it is never downloaded)."""
    for name in ("convert_hf_to_gguf.py", "convert-hf-to-gguf", "convert_hf_to_gguf"):
        found = shutil.which(name)
        if found:
            return Path(found)
    return None


def _gguf_unavailable(reason: str = "") -> ComponentUnavailable:
    why = f"DevLab cannot write this model's GGUF itself ({reason}), and " if reason else ""
    return ComponentUnavailable(
        f"GGUF export: {why}llama.cpp's convert_hf_to_gguf.py is not on PATH (DevLab never "
        "downloads it): train with export_merged: true and convert merged/ with llama.cpp "
        "where it is installed, or leave export_gguf off"
    )


def _gguf_route(base_dir: Path) -> str | None:
    """Why DevLab cannot write the GGUF of a model on ``base_dir`` itself (None: it can;
    see ``gguf_export``)."""
    from devlab.training.gguf_export import unsupported_reason

    config = json.loads((base_dir / "config.json").read_text(encoding="utf-8"))
    return unsupported_reason(base_dir, str(config.get("model_type", "")))


# -- 2. learning rate and evaluation ---------------------------------------------------------


def get_lr(step: int, config: RunConfig) -> float:
    """1) linear warmup, 2) cosine decay to ``min_lr_ratio`` of the peak, 3) the floor."""
    peak, floor = config.learning_rate, config.learning_rate * config.min_lr_ratio
    if step < config.warmup_steps:
        return peak * (step + 1) / (config.warmup_steps + 1)
    span = max(1, config.max_steps - config.warmup_steps)
    progress = min(1.0, (step - config.warmup_steps) / span)
    return floor + 0.5 * (peak - floor) * (1 + math.cos(math.pi * progress))


def _decoder_and_head(model: Any) -> tuple[Any, Any, Any] | None:
    """(causal LM, its decoder stack, its output layer) when the model is the usual
    ``XForCausalLM`` (``.model`` then ``lm_head``), LoRA-wrapped or not; else None."""
    base = model.get_base_model() if hasattr(model, "get_base_model") else model
    decoder = getattr(base, "model", None)
    head = base.get_output_embeddings() if hasattr(base, "get_output_embeddings") else None
    if decoder is None or head is None or not callable(decoder):
        return None
    return base, decoder, head


def _chunk_ce(hidden: Any, targets: Any, head: Any, softcap: float | None) -> Any:
    import torch.nn.functional as F

    logits = head(hidden).float()
    if softcap:
        logits = (logits / softcap).tanh() * softcap
    return F.cross_entropy(logits, targets, reduction="sum")


def lm_loss(
    model: Any, ids: Any, mask: Any, labels: Any, chunk_tokens: int = LOSS_CHUNK_TOKENS
) -> tuple[Any, int]:
    """(mean next-token loss over the labelled positions, their count), the same value
    as ``model(..., labels=labels).loss``, without ever holding the whole batch's logits.

    The logits are batch x sequence x vocabulary: 4 x 512 x 262,144 floats are 2 GiB
    for Gemma, and the loss, its log-softmax and their gradients kept about six such
    copies (13 GB peaks on CPU). Here only the labelled positions go through the output
    layer, ``chunk_tokens`` at a time, each chunk recomputed in the backward pass
    (activation checkpointing), so the peak is a few chunk-sized copies."""
    from torch.utils.checkpoint import checkpoint

    parts = _decoder_and_head(model)
    targets = labels[:, 1:]
    keep = targets != -100
    count = int(keep.sum())
    if parts is None:  # an unusual architecture: the model's own loss
        return model(input_ids=ids, attention_mask=mask, labels=labels).loss, count
    base, decoder, head = parts
    hidden = decoder(input_ids=ids, attention_mask=mask).last_hidden_state
    if count == 0:
        return hidden.sum() * 0.0, 0
    picked, wanted = hidden[:, :-1, :][keep], targets[keep]
    softcap = getattr(base.config, "final_logit_softcapping", None)
    total = None
    for start in range(0, count, chunk_tokens):
        end = start + chunk_tokens
        args = (picked[start:end], wanted[start:end], head, softcap)
        part = (
            checkpoint(_chunk_ce, *args, use_reentrant=False)
            if picked.requires_grad
            else _chunk_ce(*args)
        )
        total = part if total is None else total + part
    assert total is not None  # count > 0, so the loop ran
    return total / count, count


def evaluate_loss(model: Any, sequences: list[Sequence], batch_size: int, pad_id: int) -> float:
    """Mean loss per predicted token over ``sequences``."""
    import torch

    if not sequences:
        return float("nan")
    model.eval()
    total, count = 0.0, 0
    device = next(model.parameters()).device
    with torch.no_grad():
        for start in range(0, len(sequences), batch_size):
            chunk = sequences[start : start + batch_size]
            ids, mask, labels = batch_for_step(chunk, 0, len(chunk), 0, pad_id)
            loss, n = lm_loss(model, ids.to(device), mask.to(device), labels.to(device))
            total += float(loss) * n
            count += n
    model.train()
    return total / max(count, 1)


# -- 3. checkpoints ---------------------------------------------------------------------------


def latest_checkpoint(run_dir: Path) -> Path | None:
    found = sorted((run_dir / "checkpoints").glob("step-*"))
    found = [p for p in found if (p / "state.json").is_file()]
    return found[-1] if found else None


def _save_checkpoint(run_dir: Path, model: Any, optimizer: Any, state: dict, keep: int) -> Path:
    import torch

    final = run_dir / "checkpoints" / f"step-{state['step']:06d}"
    work = final.with_name(final.name + ".tmp")
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    _save_model(model, work)
    torch.save(optimizer.state_dict(), work / "optimizer.pt")
    (work / "state.json").write_text(json.dumps(state), encoding="utf-8")
    shutil.rmtree(final, ignore_errors=True)
    work.rename(final)  # complete or absent: a crash never leaves half a checkpoint
    for old in sorted((run_dir / "checkpoints").glob("step-*"))[:-keep]:
        shutil.rmtree(old, ignore_errors=True)
    return final


def _load_checkpoint(checkpoint: Path, model: Any, optimizer: Any) -> dict:
    import torch
    from peft import set_peft_model_state_dict
    from safetensors.torch import load_file

    adapter = checkpoint / "adapter_model.safetensors"
    if adapter.is_file():
        set_peft_model_state_dict(model, load_file(str(adapter)))
    else:  # a full fine-tune: every weight
        weights: dict[str, Any] = {}
        for part in sorted(checkpoint.glob("model*.safetensors")):
            weights.update(load_file(str(part)))
        model.load_state_dict(weights, strict=False)
    optimizer.load_state_dict(torch.load(checkpoint / "optimizer.pt", weights_only=True))
    return json.loads((checkpoint / "state.json").read_text(encoding="utf-8"))


def _save_model(model: Any, target: Path) -> None:
    """An adapter (peft) or a whole model. Grown embeddings are never saved whole with
    an adapter: the added rows are its trainable tokens, and a loader grows the base
    the same way (``grow_vocab``)."""
    if hasattr(model, "peft_config"):
        model.save_pretrained(str(target), save_embedding_layers=False)
    else:
        model.save_pretrained(str(target))


def _save_tokenizer(codec: TextCodec, base_dir: Path, target: Path) -> None:
    """What a loader needs to encode as training did: a DevLab model's SentencePiece
    files, or the Hugging Face tokenizer with the tokens training added."""
    for name in ("tokenizer.model", "devlab-model.json"):
        if (base_dir / name).is_file():
            shutil.copy2(base_dir / name, target / name)
    if codec.hf is not None:
        codec.hf.save_pretrained(target)
    (target / TOKENS_FILE).write_text(json.dumps(codec.tokens_json()), encoding="utf-8")


def _export_best(
    model: Any, codec: TextCodec, base_dir: Path, target: Path, config: RunConfig
) -> None:
    """The adapter (LoRA) or the whole model (full) into ``target``, atomically."""
    work = target.with_name(target.name + ".tmp")
    shutil.rmtree(work, ignore_errors=True)
    _save_model(model, work)
    if config.method == "full":
        _save_tokenizer(codec, base_dir, work)
    else:  # the base's DevLab files stay with the base; the tokenizer travels
        if codec.hf is not None:
            codec.hf.save_pretrained(work)
        (work / TOKENS_FILE).write_text(json.dumps(codec.tokens_json()), encoding="utf-8")
    (work / "devlab-run.json").write_text(config.model_dump_json(indent=2), encoding="utf-8")
    shutil.rmtree(target, ignore_errors=True)
    work.rename(target)


def _export_merged(model: Any, adapter_dir: Path, codec: TextCodec, base_dir: Path) -> Path:
    """Base + the best adapter (loaded back into the trained model) merged into
    ``merged/`` next to the adapter: a standalone model that serves without peft."""
    from peft import set_peft_model_state_dict
    from safetensors.torch import load_file

    set_peft_model_state_dict(model, load_file(str(adapter_dir / "adapter_model.safetensors")))
    merged = model.merge_and_unload()
    target = adapter_dir.parent / "merged"
    shutil.rmtree(target, ignore_errors=True)
    merged.save_pretrained(str(target))
    _save_tokenizer(codec, base_dir, target)
    return target


def plot_losses(history: list[dict[str, Any]], path: Path) -> Path:
    """Training loss per step and validation loss per evaluation, as a PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4))
    steps = [h["step"] for h in history if "loss" in h]
    ax.plot(steps, [h["loss"] for h in history if "loss" in h], label="train")
    val = [(h["step"], h["val_loss"]) for h in history if h.get("val_loss") is not None]
    if val:
        ax.plot(*zip(*val, strict=True), marker="o", label="validation")
    ax.set_xlabel("step")
    ax.set_ylabel("loss (nats/token)")
    ax.legend()
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


# -- 4. the run -------------------------------------------------------------------------------


def _trainable_tokens(model: Any, codec: TextCodec) -> dict[str, list[int]] | None:
    """The embedding rows of the tokens added to the vocabulary, to train with the
    adapter: the input embeddings, and the output layer's rows unless it is tied."""
    if not codec.added:
        return None
    names = {id(module): name for name, module in model.named_modules()}
    inputs, outputs = model.get_input_embeddings(), model.get_output_embeddings()
    rows = {names[id(inputs)]: list(codec.added)}
    if outputs is not None and outputs.weight is not inputs.weight:
        rows[names[id(outputs)]] = list(codec.added)
    return rows


def _with_lora(model: Any, config: RunConfig, codec: TextCodec) -> Any:
    if config.method == "full":
        return model
    from peft import LoraConfig, get_peft_model

    if config.method == "qlora":
        from peft import prepare_model_for_kbit_training

        model = prepare_model_for_kbit_training(model)
    lora = LoraConfig(
        r=config.lora_rank,
        lora_alpha=config.lora_alpha,
        lora_dropout=config.lora_dropout,
        target_modules=config.target_modules,
        trainable_token_indices=_trainable_tokens(model, codec),
        task_type="CAUSAL_LM",
    )
    return get_peft_model(model, lora)


def finetune(
    settings: Settings,
    config: RunConfig,
    data_dir: Path,
    run_dir: Path,
    *,
    progress: ProgressFn | None = None,
    log: LogFn | None = None,
) -> TrainResult:
    """Train ``config`` on the dataset files in ``data_dir`` into ``run_dir`` (continuing
    from its newest checkpoint if it has one). Raises ``WontFit`` before loading anything
    when the memory estimate exceeds what is free."""
    import torch

    say = log or (lambda _m: None)
    config, device, base_dir, estimate = _preflight(settings, config, say)
    assert config.context_length is not None and config.batch_size is not None
    assert config.gradient_accumulation is not None

    train_examples = load_split(data_dir, "train", config.kinds, config.max_train_examples)
    if not train_examples:
        raise InvalidInput(
            f"no training examples in {data_dir} (kinds: {config.kinds or 'all'}): "
            "build the dataset with those kinds, or change kinds"
        )
    val_examples = load_split(data_dir, "validation", config.kinds, config.max_eval_examples)

    torch.manual_seed(config.seed)
    dtype = torch.bfloat16 if device == "cuda" else torch.float32
    model, codec = load_base_model(
        base_dir, device=device, dtype=dtype, quantize_4bit=config.method == "qlora"
    )
    train_seqs = prepare_split(train_examples, codec, config.context_length, config.packing)
    val_seqs = prepare_split(val_examples, codec, config.context_length, config.packing)
    if not train_seqs:
        raise InvalidInput("every training example is empty once tokenised")
    say(
        f"{len(train_examples)} examples -> {len(train_seqs)} sequences of <= "
        f"{config.context_length} tokens; {len(val_seqs)} validation sequences"
    )
    model = _with_lora(model, config, codec)
    model.train()
    params = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(params, lr=config.learning_rate, weight_decay=config.weight_decay)
    run = _Run(config, device, base_dir, run_dir, model, codec, optimizer, params, say, progress)
    run.train(train_seqs, val_seqs)
    result = TrainResult(
        run_dir=str(run_dir),
        adapter_dir=None if config.method == "full" else str(run.best_dir),
        weights_dir=str(run.best_dir) if config.method == "full" else None,
        steps=run.step,
        resumed_from=run.resumed_from,
        stopped_early=run.stopped_early,
        first_loss=run.history[0]["loss"] if run.history else None,
        last_loss=run.history[-1]["loss"] if run.history else None,
        best_val_loss=run.state["best_val_loss"],
        tokens_per_s=(round(run.tokens_total / run.seconds_total, 1) if run.seconds_total else 0.0),
        train_tokens=run.tokens_total,
        memory_estimate_gb=round(estimate.gib, 2),
        peak_rss_gb=round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2, 2),
        history=run.history,
        config=config.model_dump(mode="json"),
    )
    if config.export_merged or config.export_gguf:
        _export_after(result, run)
    return result


def _preflight(
    settings: Settings, config: RunConfig, say: LogFn
) -> tuple[RunConfig, str, Path, MemoryEstimate]:
    """The config resolved for the device, the base model's directory and the memory
    estimate; refuses (before loading anything) what cannot run or fit here."""
    device = _device(config)
    config = config.resolved(device)
    _check_method(config, device)
    base_dir = resolve_base_dir(settings, config.base_model)
    if config.export_gguf:  # refused before any training, not after
        reason = _gguf_route(base_dir)
        if reason is not None and find_gguf_converter() is None:
            raise _gguf_unavailable(reason)
    estimate = check_fits(config, model_shape(base_dir), device)
    say(f"memory estimate {estimate.describe()}")
    return config, device, base_dir, estimate


class _Run:
    """One training run's loop: steps with gradient accumulation, evaluation with early
    stopping and export of the best weights, checkpoints, history, progress."""

    def __init__(
        self,
        config: RunConfig,
        device: str,
        base_dir: Path,
        run_dir: Path,
        model: Any,
        codec: TextCodec,
        optimizer: Any,
        params: list[Any],
        say: LogFn,
        progress: ProgressFn | None,
    ) -> None:
        self.config, self.device, self.base_dir, self.run_dir = config, device, base_dir, run_dir
        self.model, self.codec, self.optimizer, self.params = model, codec, optimizer, params
        self.say, self.progress = say, progress
        self.best_dir = run_dir / ("weights" if config.method == "full" else "adapter")
        self.tokens_total, self.seconds_total, self.stopped_early = 0, 0.0, False
        self.state: dict[str, Any] = {}
        self.history: list[dict[str, Any]] = []
        self.resumed_from: int | None = None
        self.step = 0

    def save(self) -> None:
        self.state["history"] = self.history
        _save_checkpoint(
            self.run_dir, self.model, self.optimizer, self.state, self.config.keep_checkpoints
        )

    def train(self, train_seqs: list[Sequence], val_seqs: list[Sequence]) -> None:
        """Train to ``max_steps`` (or an early stop) from the newest checkpoint, if any;
        a cancel keeps a resumable checkpoint; the end state is always saved."""
        config, run_dir = self.config, self.run_dir
        run_dir.mkdir(parents=True, exist_ok=True)
        (run_dir / "config.yaml").write_text(_yaml(config), encoding="utf-8")
        self.state = {"step": 0, "best_val_loss": None, "bad_evals": 0, "history": []}
        checkpoint = latest_checkpoint(run_dir)
        if checkpoint is not None:
            self.state = _load_checkpoint(checkpoint, self.model, self.optimizer)
            self.resumed_from = self.state["step"]
            self.say(f"resuming from {checkpoint.name}")
        self.history = self.state["history"]
        self.step = self.state["step"]
        try:
            while self.step < config.max_steps:
                if self._one_step(train_seqs, val_seqs):
                    break
        except JobCancelled:
            self.save()  # the last good state, resumable
            self.say(f"cancelled at step {self.step}: checkpoint kept")
            raise
        if not val_seqs or not self.best_dir.is_dir():
            _export_best(self.model, self.codec, self.base_dir, self.best_dir, config)
        if latest_checkpoint(run_dir) is None or self.state["step"] % config.checkpoint_every:
            self.save()  # the final state is always resumable (e.g. to train further)
        plot_losses(self.history, run_dir / "loss.png")

    def _one_step(self, train_seqs: list[Sequence], val_seqs: list[Sequence]) -> bool:
        """One optimiser step with its evaluation, logging and checkpoint; True to stop."""
        config, state = self.config, self.state
        started = time.perf_counter()
        lr = get_lr(self.step, config)
        loss_sum, step_tokens = self._accumulate(train_seqs, lr)
        self.step += 1
        step = self.step
        elapsed = time.perf_counter() - started
        self.tokens_total += step_tokens
        self.seconds_total += elapsed
        record: dict[str, Any] = {
            "step": step,
            "loss": round(loss_sum, 4),
            "lr": lr,
            "ms": round(elapsed * 1000, 1),
            "tokens_per_s": round(step_tokens / elapsed, 1),
        }
        state["step"] = step
        if val_seqs and (step % config.eval_every == 0 or step == config.max_steps):
            self._evaluate(val_seqs, record)
        self.history.append(record)
        _append_history(self.run_dir, record)
        done = max(1, step - (self.resumed_from or 0))
        eta = (config.max_steps - step) * self.seconds_total / done
        self.say(
            f"step {step} loss {loss_sum:.4f} lr {lr:.2e} {record['ms']:.0f} ms "
            f"{record['tokens_per_s']:.0f} tok/s"
            + (f" val {record['val_loss']:.4f}" if "val_loss" in record else "")
        )
        if step % config.checkpoint_every == 0 or self.stopped_early:
            self.save()
        report(
            self.progress,
            "train",
            step,
            config.max_steps,
            f"loss {loss_sum:.3f} {record['tokens_per_s']:.0f} tok/s ETA {eta:.0f}s",
        )
        if self.stopped_early:
            self.say(
                "early stop: validation loss did not improve in "
                f"{config.early_stopping_patience} evaluations"
            )
        return self.stopped_early

    def _accumulate(self, train_seqs: list[Sequence], lr: float) -> tuple[float, int]:
        """Set ``lr``, accumulate the gradients of the step's micro-batches and step the
        optimiser; the step's mean loss and its token count."""
        import torch

        config, device = self.config, self.device
        accumulation = config.gradient_accumulation
        assert accumulation is not None and config.batch_size is not None
        for group in self.optimizer.param_groups:
            group["lr"] = lr
        loss_sum, step_tokens = 0.0, 0
        for k in range(accumulation):
            index = self.step * accumulation + k
            ids, mask, labels = batch_for_step(
                train_seqs, index, config.batch_size, config.seed, self.codec.pad_id
            )
            loss, _ = lm_loss(self.model, ids.to(device), mask.to(device), labels.to(device))
            (loss / accumulation).backward()
            loss_sum += float(loss) / accumulation
            step_tokens += int(mask.sum())
        if config.grad_clip:
            torch.nn.utils.clip_grad_norm_(self.params, config.grad_clip)
        self.optimizer.step()
        self.optimizer.zero_grad(set_to_none=True)
        return loss_sum, step_tokens

    def _evaluate(self, val_seqs: list[Sequence], record: dict[str, Any]) -> None:
        """Validation loss into ``record``; a new best is exported, else patience runs."""
        config, state = self.config, self.state
        assert config.batch_size is not None
        val = evaluate_loss(self.model, val_seqs, config.batch_size, self.codec.pad_id)
        record["val_loss"] = round(val, 4)
        best = state["best_val_loss"]
        if best is None or val < best:
            state["best_val_loss"], state["bad_evals"] = val, 0
            _export_best(self.model, self.codec, self.base_dir, self.best_dir, config)
        else:
            state["bad_evals"] += 1
            patience = config.early_stopping_patience
            self.stopped_early = bool(patience) and state["bad_evals"] >= patience


def _export_after(result: TrainResult, run: _Run) -> None:
    """The merged standalone model (and the GGUF file) the config asks for."""
    config = run.config
    if config.method == "full":  # the weights are already a standalone model
        merged = run.best_dir
    else:
        merged = _export_merged(run.model, run.best_dir, run.codec, run.base_dir)
        result.weights_dir = str(merged)
    result.merged_dir = str(merged)
    if config.export_gguf:
        run.say("writing the GGUF file (checked by loading it back)")
        result.gguf_path = str(export_gguf(merged, run.run_dir / "model.gguf", run.base_dir))


def export_gguf(merged_dir: Path, target: Path, base_dir: Path) -> Path:
    """Merged weights -> GGUF: written by DevLab from the base's own GGUF when the
    architecture allows (``gguf_export``), else with llama.cpp's converter (our own
    tool, not sandboxed)."""
    import subprocess
    import sys

    reason = _gguf_route(base_dir)
    if reason is None:
        from transformers import AutoModelForCausalLM

        from devlab.training.gguf_export import export_gguf_from_template, gguf_template

        model = AutoModelForCausalLM.from_pretrained(str(merged_dir))
        with gguf_template(base_dir) as template:
            assert template is not None  # _gguf_route checked it
            return export_gguf_from_template(model, template, target)
    converter = find_gguf_converter()
    if converter is None:
        raise _gguf_unavailable(reason)
    done = subprocess.run(
        [sys.executable, str(converter), str(merged_dir), "--outfile", str(target)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise ComponentUnavailable(
            f"GGUF conversion of {merged_dir} failed: {done.stderr.strip()[-500:]}"
        )
    return target


def _append_history(run_dir: Path, record: dict[str, Any]) -> None:
    with (run_dir / "history.jsonl").open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(record) + "\n")


def _yaml(config: RunConfig) -> str:
    import yaml

    return yaml.safe_dump(config.model_dump(mode="json"), sort_keys=False)
