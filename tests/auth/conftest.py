"""Cheaper argon2 parameters for the access tests: still real argon2id hashes and
checks, but not the production cost (64 MiB, 3 passes) for every test account."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from argon2 import PasswordHasher

from devlab.auth import passwords


@pytest.fixture(autouse=True, scope="session")
def _cheap_argon2() -> Iterator[None]:
    production = passwords._HASHER
    passwords._HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    yield
    passwords._HASHER = production
