"""Fine-tuned weights -> GGUF (llama.cpp, Ollama) without llama.cpp's converter.

When the base model itself came from a GGUF file (the packaged Gemma 3 270M, or a
user's ``.gguf`` base), that file is the template: its metadata (architecture
hyper-parameters, the tokenizer's vocabulary, scores and token types, chat template)
is copied as it is, and the merged weights are written under the GGUF tensor names
``gguf.get_tensor_name_map`` gives for the architecture. Token ids do not change in
fine-tuning here (the FIM markers of a SentencePiece model are its reserved
``<unusedN>`` pieces), so the template's vocabulary is right.

Architectures whose llama.cpp layout is the Hugging Face one, up to a known transform,
are written: Gemma 1-3 (llama.cpp stores RMSNorm weights as ``1 + w``) and Qwen 2/3
(as they are). Others (Llama's permuted q/k, fused tensors) need llama.cpp's own
``convert_hf_to_gguf.py``. Every export is **verified**: the file is loaded back with
transformers and its logits on a probe must match the merged model's; a file that does
not is deleted and the error says so. Weights are written as F16 (norms and other 1-D
tensors F32, as llama.cpp expects) or F32.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from devlab.errors import ComponentUnavailable

__all__ = ["SUPPORTED", "export_gguf_from_template", "gguf_template", "unsupported_reason"]

MAX_ERROR = 0.02  # of the largest logit; F16 weights stay far below (about 0.002)
_last_check: dict[str, float] = {}  # the last verification's figures (for tests)

# transformers model_type -> (gguf architecture name, add one to norm weights)
SUPPORTED: dict[str, tuple[str, bool]] = {
    "gemma": ("gemma", True),
    "gemma2": ("gemma2", True),
    "gemma3_text": ("gemma3", True),
    "gemma3": ("gemma3", True),
    "qwen2": ("qwen2", False),
    "qwen3": ("qwen3", False),
}


def _source(model_dir: Path) -> dict[str, Any]:
    for name in ("devlab-model.json", "devlab-converted.json"):
        path = model_dir / name
        if path.is_file():
            return dict(json.loads(path.read_text(encoding="utf-8")).get("source") or {})
    return {}


@contextmanager
def gguf_template(base_dir: Path) -> Iterator[Path | None]:
    """The GGUF file ``base_dir`` was converted from, while the context lasts (the
    packaged one is re-assembled from its package into a temporary directory); None
    when the base did not come from a GGUF file."""
    source = _source(base_dir)
    if source.get("package"):
        from devlab.llm import assemble_gguf

        with tempfile.TemporaryDirectory(prefix="devlab-gguf-") as tmp:
            path, _ = assemble_gguf(Path(tmp))
            yield path
        return
    file = source.get("file")
    yield Path(file) if file and Path(file).is_file() else None


def unsupported_reason(base_dir: Path, model_type: str) -> str | None:
    """Why this base cannot be exported without llama.cpp's converter, or None."""
    if model_type not in SUPPORTED:
        return f"architecture {model_type!r} is not one DevLab writes ({', '.join(SUPPORTED)})"
    source = _source(base_dir)
    if not source.get("package") and not (source.get("file") and Path(source["file"]).is_file()):
        return f"the base model {base_dir} did not come from a GGUF file DevLab can copy from"
    return None


def _copy_metadata(reader: Any, writer: Any) -> None:
    from gguf import GGUFValueType

    for name, field in reader.fields.items():
        if name.startswith("GGUF.") or name in ("general.architecture", "general.file_type"):
            continue  # the writer writes these itself; the file type is ours
        vtype = field.types[0]
        if vtype == GGUFValueType.ARRAY:
            writer.add_key_value(name, field.contents(), vtype, sub_type=field.types[-1])
        else:
            writer.add_key_value(name, field.contents(), vtype)


def export_gguf_from_template(
    model: Any, template: Path, target: Path, *, dtype: str = "f16"
) -> Path:
    """Write ``model`` (merged, a transformers causal LM) to ``target`` with the metadata
    of ``template``; verified by loading it back (see the module docstring)."""
    import gguf
    import numpy as np

    model_type = model.config.model_type
    if model_type not in SUPPORTED:
        raise ComponentUnavailable(
            f"GGUF export: architecture {model_type!r} needs llama.cpp's converter "
            "(convert_hf_to_gguf.py on PATH)"
        )
    arch, norm_plus_one = SUPPORTED[model_type]
    from devlab.llm import read_gguf

    reader = read_gguf(template)
    if str(reader.fields["general.architecture"].contents()) != arch:
        raise ComponentUnavailable(f"GGUF export: the template {template} is not a {arch} model")
    names = gguf.get_tensor_name_map(
        next(k for k, v in gguf.MODEL_ARCH_NAMES.items() if v == arch),
        model.config.num_hidden_layers,
    )
    template_names = {t.name for t in reader.tensors}
    work = target.with_name(target.name + ".tmp")
    writer = gguf.GGUFWriter(str(work), arch)
    _copy_metadata(reader, writer)
    writer.add_file_type(
        gguf.LlamaFileType.MOSTLY_F16 if dtype == "f16" else gguf.LlamaFileType.ALL_F32
    )
    written = set()
    for hf_name, tensor in model.state_dict().items():
        base, _, suffix = hf_name.rpartition(".")
        mapped = names.get_name(base)
        if mapped is None:
            continue  # e.g. rotary buffers
        gguf_name = f"{mapped}.{suffix}"
        if gguf_name in written or gguf_name not in template_names:
            continue  # e.g. a tied output layer: llama.cpp reuses the token embedding
        data = tensor.detach().float().cpu()
        if norm_plus_one and "norm" in gguf_name and suffix == "weight":
            data = data + 1
        array = data.numpy()
        if dtype == "f16" and array.ndim > 1:
            array = array.astype(np.float16)
        writer.add_tensor(gguf_name, array)
        written.add(gguf_name)
    missing = template_names - written
    if missing:
        raise ComponentUnavailable(
            f"GGUF export: no weights for {len(missing)} tensors of the template "
            f"(e.g. {sorted(missing)[:3]})"
        )
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    try:
        _verify(model, work)
    except BaseException:
        work.unlink(missing_ok=True)
        raise
    work.replace(target)
    return target


def _verify(model: Any, path: Path) -> None:
    """Load ``path`` back with transformers; its logits on a probe must match."""
    import torch
    from transformers import AutoModelForCausalLM

    from devlab.llm import fast_gguf_reads

    with tempfile.TemporaryDirectory(prefix="devlab-gguf-check-") as tmp:
        link = Path(tmp) / "model.gguf"
        try:
            link.symlink_to(path.resolve())
        except OSError:
            shutil.copy2(path, link)
        with fast_gguf_reads():
            loaded = AutoModelForCausalLM.from_pretrained(tmp, gguf_file=link.name)
    ids = torch.tensor([[2, *range(1000, 1024)]])  # <bos> and ordinary pieces
    with torch.no_grad():
        want = model(input_ids=ids).logits.float()
        got = loaded(input_ids=ids).logits.float()
    scale = float(want.abs().max()) or 1.0
    error = float((want - got).abs().max()) / scale
    _last_check.update(error=error)
    same_top = bool((want.argmax(-1) == got.argmax(-1)).float().mean() >= 0.9)
    if error > MAX_ERROR or not same_top:
        raise ComponentUnavailable(
            f"GGUF export failed its check: the file's logits differ from the model's "
            f"(max relative error {error:.4f}); nothing was kept"
        )
