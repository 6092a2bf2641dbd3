"""devlab.lazy: a package face imports its heavy names on first use, once."""

from __future__ import annotations

import subprocess
import sys

import pytest

import devlab.store


def test_a_lazy_name_resolves_and_is_kept() -> None:
    from devlab.store.db import Database

    assert devlab.store.Database is Database
    assert "Database" in vars(devlab.store)  # kept: the next access skips __getattr__
    assert devlab.store.crypto.__name__ == "devlab.store.crypto"  # a whole public module


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match=r"'devlab\.store' has no attribute 'nope'"):
        devlab.store.nope  # noqa: B018


def test_importing_a_face_does_not_import_its_heavy_modules() -> None:
    code = (
        "import sys, devlab.search, devlab.codebase; "
        "print(any(m in sys.modules for m in "
        "('devlab.search.indexer', 'devlab.codebase.parsing', 'torch')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
