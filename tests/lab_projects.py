"""The small projects the lab's tests ingest, and how they ingest them."""

from __future__ import annotations

from pathlib import Path

from devlab.search import index_project
from devlab.workbench import Workbench
from helpers import write_tree

UTIL = '''"""Small helpers."""


def clamp(x: int, lo: int, hi: int) -> int:
    """Clamp x into [lo, hi].

    >>> clamp(5, 0, 3)
    3
    """
    if lo > hi:
        raise ValueError("lo > hi")
    if x < lo:
        return lo
    if x > hi:
        return hi
    return x


def ratio(a: int, b: int) -> float:
    return a / b


def shout(text):
    out = []
    for word in text.split():
        if len(word) > 3:
            out.append(word.upper())
        else:
            out.append(word)
    return " ".join(out)
'''

CALC = {
    "calc/__init__.py": "",
    "calc/util.py": UTIL,
    "calc/other.py": "def twice(x):\n    return 2 * x\n",
    "tests/test_util.py": (
        "import time\n\nfrom calc.util import clamp\n\n\n"
        "def test_clamp_high():\n    assert clamp(5, 0, 3) == 3\n\n\n"
        "def test_clamp_low():\n    assert clamp(-1, 0, 3) == 0\n\n\n"
        "def test_hangs():\n    time.sleep(60)\n"
    ),
}


def ingest(bench: Workbench, root: Path, name: str, files: dict[str, str]) -> None:
    write_tree(root / name, files)
    index_project(bench.db, bench.settings, name=name, source=str(root / name), embed=False)
