"""The fast GGUF reader builds exactly the fields gguf's own reader builds."""

from __future__ import annotations

from pathlib import Path

import gguf
import numpy as np
import pytest

from devlab.llm import fast_gguf_reads, read_gguf


def _write(path: Path) -> Path:
    writer = gguf.GGUFWriter(str(path), "gemma3")
    writer.add_string("general.name", "tiny")
    writer.add_uint32("general.alignment", 32)
    writer.add_array("tokenizer.ggml.tokens", ["<pad>", "a", "", "ünï", "▁the" * 40])
    writer.add_array("tokenizer.ggml.scores", [0.0, -1.5, 2.25, 3.0, -0.125])
    writer.add_array("tokenizer.ggml.token_type", [3, 1, 1, 1, 6])
    writer.add_array("tokenizer.ggml.merges", [])  # empty: no element type
    writer.add_key_value(
        "test.nested",
        [[1, 2], [3]],
        gguf.GGUFValueType.ARRAY,
        sub_type=gguf.GGUFValueType.ARRAY,
    )
    writer.add_bool("test.flag", True)
    writer.add_tensor("token_embd.weight", np.arange(12, dtype=np.float32).reshape(3, 4))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return path


def _same(fast: gguf.GGUFReader, original: gguf.GGUFReader) -> None:
    assert list(fast.fields) == list(original.fields)
    for name, want in original.fields.items():
        got = fast.fields[name]
        assert (got.offset, got.data, got.types) == (want.offset, want.data, want.types), name
        assert len(got.parts) == len(want.parts), name
        for mine, theirs in zip(got.parts, want.parts, strict=True):
            assert mine.dtype == theirs.dtype and mine.shape == theirs.shape, name
            assert mine.tobytes() == theirs.tobytes(), name
        assert got.contents() == want.contents(), name
    assert fast.data_offset == original.data_offset
    assert [(t.name, t.data.tobytes()) for t in fast.tensors] == [
        (t.name, t.data.tobytes()) for t in original.tensors
    ]


def test_the_fast_reader_builds_the_original_readers_fields(tmp_path):
    path = _write(tmp_path / "tiny.gguf")
    fast = read_gguf(path)
    _same(fast, gguf.GGUFReader(str(path)))
    assert fast.fields["tokenizer.ggml.tokens"].contents()[3] == "ünï"
    assert fast.fields["tokenizer.ggml.scores"].contents() == [0.0, -1.5, 2.25, 3.0, -0.125]
    assert type(fast) is not gguf.GGUFReader and isinstance(fast, gguf.GGUFReader)


def test_a_file_that_is_not_gguf_is_refused_like_the_original(tmp_path):
    bad = tmp_path / "bad.gguf"
    bad.write_bytes(b"NOPE" + bytes(64))
    with pytest.raises(ValueError, match="magic"):
        read_gguf(bad)


def test_fast_reads_swap_the_class_for_a_block_and_restore_it(tmp_path):
    original = gguf.GGUFReader
    with fast_gguf_reads():
        assert gguf.GGUFReader is not original
        with fast_gguf_reads():  # nested: still swapped inside
            assert issubclass(gguf.GGUFReader, original)
        assert gguf.GGUFReader is not original
        # what a library builds inside the block reads the same fields
        path = _write(tmp_path / "tiny.gguf")
        inside = gguf.GGUFReader(str(path))
    assert gguf.GGUFReader is original
    _same(inside, original(str(path)))
    with pytest.raises(RuntimeError), fast_gguf_reads():
        raise RuntimeError("boom")
    assert gguf.GGUFReader is original
