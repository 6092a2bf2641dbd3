"""``VectorIndex.fetch``: the stored vectors of given chunks, by dimension (the search
adapter reads a snapshot's whole matrix through it), on a real SQLite file."""

from __future__ import annotations

import numpy as np
import pytest

from devlab.store.search_index import NumpyVectorIndex, SqliteVecIndex


def _unit(rng: np.random.Generator, dim: int) -> np.ndarray:
    v = rng.normal(size=dim).astype(np.float32)
    return v / np.linalg.norm(v)


@pytest.mark.parametrize("kind", [SqliteVecIndex, NumpyVectorIndex])
def test_fetch_returns_the_stored_vectors_of_that_dimension(sqlite_settings, kind):
    from devlab.workbench import Workbench

    wb = Workbench.open(sqlite_settings)
    try:
        index = kind(wb.db.engine)
        rng = np.random.default_rng(0)
        small = {1: _unit(rng, 8), 2: _unit(rng, 8)}
        wide = {3: _unit(rng, 16)}
        with wb.db.engine.begin() as conn:
            conn.exec_driver_sql("PRAGMA foreign_keys = OFF")  # vectors without chunk rows
            index.add(conn, 7, list(small.items()))
            index.add(conn, 7, list(wide.items()))
        got = index.fetch([1, 2, 3, 99], 8)
        assert set(got) == {1, 2}  # chunk 3 holds another dimension, 99 nothing
        for cid, vec in small.items():
            assert np.allclose(got[cid], vec)
        assert set(index.fetch([3], 16)) == {3}
        assert index.fetch([], 8) == {}
    finally:
        wb.close()
