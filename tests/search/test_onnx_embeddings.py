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


def test_onnx_backend_refuses_an_unknown_precision(tmp_path):
    with pytest.raises(InvalidInput, match="fp32 or int8"):
        OnnxEmbedder(packaged_minilm_dir(), tmp_path / "cache", precision="fp16")


@pytest.mark.model
@pytest.mark.slow
def test_onnx_vectors_match_sentence_transformers_fp32_exactly_int8_closely(tmp_path):
    from devlab.search.embeddings import SentenceTransformerEmbedder

    cache = Path(tmp_path / "cache")
    fp32 = OnnxEmbedder(packaged_minilm_dir(), cache)
    # the same vectors as sentence-transformers, so the same key: either backend's index
    # serves the other; int8 vectors differ a little, so their key names them
    assert fp32.key == "sentence-transformers:all-MiniLM-L6-v2:384" and fp32.dim == 384
    reference = SentenceTransformerEmbedder(packaged_minilm_dir()).embed(TEXTS)
    vectors = fp32.embed(TEXTS)
    assert vectors.shape == (4, 384) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert (vectors * reference).sum(axis=1).min() >= 0.9999
    shuffled = fp32.embed(TEXTS[::-1])[::-1]  # batching by length keeps each row's text
    assert np.allclose(shuffled, vectors, atol=1e-5)
    assert fp32.embed([]).shape == (0, 384)

    int8 = OnnxEmbedder(packaged_minilm_dir(), cache, precision="int8")
    assert int8.key == "onnx-int8:all-MiniLM-L6-v2:384"
    quantised = int8.embed(TEXTS)
    cosines = (quantised * reference).sum(axis=1)
    assert cosines.min() >= 0.98, cosines  # FFN outputs kept fp32; measured 0.99-0.999
    # Dynamic int8 scales activations per batch, so a text's vector moves a little with
    # its batch neighbours; alone it stays within a cosine of 0.98 of its batched self.
    assert (int8.embed(TEXTS[:1]) * quantised[:1]).sum() >= 0.98
    names = sorted(p.name for p in (cache / "onnx-model-v3").iterdir())
    assert names == ["model.int8.onnx", "model.onnx"]  # one export, int8 derived from it

    other = OnnxEmbedder(packaged_minilm_dir(), tmp_path / "second-home-cache")
    assert np.allclose(other.embed(TEXTS), vectors, atol=1e-6)  # linked, not re-exported
    OnnxEmbedder(packaged_minilm_dir(), tmp_path / "second-home-cache", precision="int8")
    copied = tmp_path / "second-home-cache" / "onnx-model-v3" / "model.int8.onnx"
    first = cache / "onnx-model-v3" / "model.int8.onnx"
    assert copied.samefile(first)  # hard-linked (one filesystem), not quantised again


def test_length_batches_cap_texts_and_padded_tokens():
    from devlab.search.embeddings import _length_batches

    class Enc:
        def __init__(self, n: int) -> None:
            self.ids = [0] * n

    encodings = [Enc(n) for n in [3] * 10 + [200] * 5]
    batches = _length_batches(list(range(15)), encodings, 4)
    assert [len(b) for b in batches[:3]] == [4, 4, 2]  # at most 4 texts
    assert all(max(len(encodings[i].ids) for i in b) * len(b) <= 4 * 128 for b in batches)
    assert sorted(i for b in batches for i in b) == list(range(15))
