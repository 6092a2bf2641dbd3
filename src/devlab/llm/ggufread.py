"""A GGUF reader that parses the tokenizer's arrays in a fraction of a second.

``gguf.GGUFReader`` builds every element of an array field through its general
``_get_field_parts`` (a memory-map slice, two dtype views and a recursion per element).
The packaged Gemma 3 270M's file has three arrays of 262,144 elements (the tokenizer's
pieces, scores and types), so one construction costs 24 s on 2 cores, and converting
the packaged model (DevLab's reader, then transformers' config and weights loaders) or
exporting a fine-tuned GGUF (the template, then the check that loads the file back)
constructs it three times.

``FastGGUFReader`` is the same class with one method replaced: a one-level array of
strings or scalars is read with ``struct`` offsets and plain ``ndarray`` views. The
result is field for field what the original builds (the same ``parts``, ``data`` indices
and ``types``), so code that walks ``field.parts`` (transformers' GGUF loader does) reads
it unchanged. Nested arrays and byte-swapped files take the original path.

``fast_gguf_reads()`` makes ``gguf.GGUFReader`` this class while a block runs, for
libraries that construct the reader themselves (transformers imports it at call time).
"""

from __future__ import annotations

import struct
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

__all__ = ["fast_gguf_reads", "read_gguf"]

_swap_lock = threading.Lock()
_swap_depth = 0
_original: Any = None


@cache
def _reader_class() -> type:
    """The subclass, built on first use (gguf and numpy load lazily)."""
    import numpy as np
    from gguf import GGUFValueType
    from gguf.gguf_reader import GGUFReader  # the module's own name: never a swapped one

    class FastGGUFReader(GGUFReader):  # type: ignore[misc]  # gguf has no stubs
        """``gguf.GGUFReader`` with one-level arrays read in bulk (module docstring)."""

        def _get_field_parts(
            self, orig_offs: int, raw_type: int
        ) -> tuple[int, list[Any], list[int], list[Any]]:
            if GGUFValueType(raw_type) != GGUFValueType.ARRAY or self.byte_order != "I":
                return super()._get_field_parts(orig_offs, raw_type)  # type: ignore[no-any-return]
            raw_itype = self._get(orig_offs, np.uint32)
            alen = self._get(orig_offs + 4, np.uint64)
            itype, count = GGUFValueType(int(raw_itype[0])), int(alen[0])
            offs = orig_offs + 12
            plain = self.data.view(np.ndarray)  # slicing a memmap costs ~10x more
            parts: list[Any] = [raw_itype, alen]
            if itype == GGUFValueType.STRING:
                buffer = plain.data  # a memoryview of the mapped bytes
                for _ in range(count):
                    (size,) = struct.unpack_from("<Q", buffer, offs)
                    parts.append(plain[offs : offs + 8].view(np.uint64))
                    parts.append(plain[offs + 8 : offs + 8 + size])
                    offs += 8 + size
                indices = list(range(3, 2 + 2 * count, 2))
            elif (nptype := self.gguf_scalar_to_np.get(itype)) is not None:
                width = np.dtype(nptype).itemsize
                values = plain[offs : offs + width * count].view(nptype)
                parts.extend(values[i : i + 1] for i in range(count))
                offs += width * count
                indices = list(range(2, 2 + count))
            else:  # arrays of arrays: the original's recursion
                return super()._get_field_parts(orig_offs, raw_type)  # type: ignore[no-any-return]
            types = [GGUFValueType.ARRAY] + ([itype] if count else [])
            return offs - orig_offs, parts, indices, types

    return FastGGUFReader


def read_gguf(path: Path | str) -> Any:
    """A ``gguf.GGUFReader`` of ``path`` (the fast subclass; same fields)."""
    return _reader_class()(str(path))


@contextmanager
def fast_gguf_reads() -> Iterator[None]:
    """While the block runs, ``gguf.GGUFReader`` is the fast subclass (nests; threads
    share one swap, restored when the last block ends)."""
    global _swap_depth, _original
    import gguf

    with _swap_lock:
        if _swap_depth == 0:
            _original = gguf.GGUFReader
            setattr(gguf, "GGUFReader", _reader_class())  # noqa: B010  # a module's class
        _swap_depth += 1
    try:
        yield
    finally:
        with _swap_lock:
            _swap_depth -= 1
            if _swap_depth == 0:
                setattr(gguf, "GGUFReader", _original)  # noqa: B010
