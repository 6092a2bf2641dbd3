"""The ONNX int8 runtime of the packaged all-MiniLM-L6-v2 (issue 18).

Exported and quantised once from the packaged weights; its vectors must stay close to
sentence-transformers' (the retrieval benchmark measures what that costs: within
0.01 MRR@10), whatever order and lengths the texts come in."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from devlab.errors import InvalidInput
from devlab.search.embeddings import OnnxEmbedder, packaged_minilm_dir

TEXTS = [
    "def load_user(store, user_id):\n    return store.get('users', user_id)\n",
    "Send the welcome email to a new user.",
    "x",
    "class Stack:\n    def push(self, item):\n        self.items.append(item)\n" * 30,
]


def test_onnx_backend_needs_a_fast_tokenizer(tmp_path):
    (tmp_path / "model").mkdir()
    with pytest.raises(InvalidInput, match=r"tokenizer\.json"):
        OnnxEmbedder(tmp_path / "model", tmp_path / "cache")


@pytest.mark.model
@pytest.mark.slow
def test_onnx_int8_vectors_match_sentence_transformers(tmp_path):
    from devlab.search.embeddings import SentenceTransformerEmbedder

    cache = Path(tmp_path / "cache")
    onnx = OnnxEmbedder(packaged_minilm_dir(), cache)
    assert onnx.key == "onnx-int8:all-MiniLM-L6-v2:384" and onnx.dim == 384
    reference = SentenceTransformerEmbedder(packaged_minilm_dir()).embed(TEXTS)
    vectors = onnx.embed(TEXTS)
    assert vectors.shape == (4, 384) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    cosines = (vectors * reference).sum(axis=1)
    assert cosines.min() >= 0.96, cosines  # per-channel int8; measured 0.97-0.99
    shuffled = onnx.embed(TEXTS[::-1])[::-1]  # batching by length keeps each row's text
    assert np.allclose(shuffled, vectors, atol=1e-5)
    assert onnx.embed([]).shape == (0, 384)
    again = OnnxEmbedder(packaged_minilm_dir(), cache)  # exported once, then reused
    assert len(list(cache.iterdir())) == 2  # the model directory and its lock file
    # Dynamic int8 scales activations per batch, so a text's vector moves a little with
    # its batch neighbours; alone it stays within a cosine of 0.98 of its batched self.
    assert (again.embed(TEXTS[:1]) * vectors[:1]).sum() >= 0.98
