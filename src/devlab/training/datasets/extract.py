"""Example builders: one function per kind, reading a unit's ``UnitView``.

An example is a plain dict (hot loops build ~100K of them) with the exported columns
(``COLUMNS``) plus private keys starting with ``_`` that the pipeline reads and drops
before writing: ``_unit`` (the origin unit, for dedup and augmentation), ``_group``
(what the split is decided by: the origin file, or its repository), ``_hash`` (exact
dedup) and ``_contaminated``.

Completion follows StarCoder's FIM: with probability ``fim_rate`` a unit becomes a
fill-in-the-middle example, in SPM order with probability ``fim_spm_rate``
(``<fim_prefix><fim_suffix>suffix<fim_middle>prefix`` -> middle, BigCode's variant) and
otherwise PSM (``<fim_prefix>prefix<fim_suffix>suffix<fim_middle>`` -> middle); the rest
become left-to-right examples. Every cut falls on a statement boundary: the middle is
one or more whole statements of one block, a continuation runs from a statement to the
end of its block.
"""

from __future__ import annotations

import hashlib
import random
from typing import Any

from devlab.training.datasets.annotate import count_tokens
from devlab.training.datasets.templates import render
from devlab.training.datasets.units import UnitView

__all__ = [
    "COLUMNS",
    "FIM_MIDDLE",
    "FIM_PREFIX",
    "FIM_SUFFIX",
    "ExampleFactory",
    "normalised_hash",
]

FIM_PREFIX, FIM_SUFFIX, FIM_MIDDLE = "<fim_prefix>", "<fim_suffix>", "<fim_middle>"
NAME_MASK = "<NAME>"

COLUMNS = (
    "id",
    "kind",
    "split",
    "language",
    "category",
    "source_path",
    "symbol",
    "prompt",
    "completion",
    "instruction",
    "response",
    "format",
    "operator",
    "validated",
    "validation",
    "augmented",
    "origin_id",
    "complexity",
    "tokens",
    "quality",
    "quality_flags",
    "tests",
    "provenance",
)


def normalised_hash(*parts: str) -> str:
    """Hash of the parts with all whitespace runs collapsed (exact dedup's key)."""
    text = "\x00".join(" ".join(p.split()) for p in parts)
    return hashlib.blake2b(text.encode("utf-8", "replace"), digest_size=12).hexdigest()


def _dec(data: bytes) -> str:
    return data.decode("utf-8", "replace")


def _word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def mask_name(code: str, name: str) -> str | None:
    """``code`` with every whole-word ``name`` replaced by ``<NAME>`` (None if absent)."""
    parts, pos, found = [], 0, False
    start = code.find(name)
    while start != -1:
        end = start + len(name)
        if (start == 0 or not _word(code[start - 1])) and (
            end == len(code) or not _word(code[end])
        ):
            parts += [code[pos:start], NAME_MASK]
            pos, found = end, True
        start = code.find(name, end)
    return "".join([*parts, code[pos:]]) if found else None


class ExampleFactory:
    """Builds the examples of one unit; ``base`` holds the fields they share."""

    def __init__(
        self,
        *,
        unit_id: str,
        group: str,
        base: dict[str, Any],
        unit_kind: str,
        name: str,
        docstring: str,
        context: str,
    ) -> None:
        self.unit_id = unit_id
        self.group = group
        self.base = base
        self.unit_kind = unit_kind
        self.name = name
        self.docstring = docstring
        self.context = context
        self.count = 0

    def emit(
        self,
        kind: str,
        view_transforms: tuple[str, ...],
        prompt: str,
        completion: str,
        template: str,
        fields: dict[str, str],
        **extra: Any,
    ) -> dict[str, Any]:
        self.count += 1
        instruction, response = render(
            template,
            language=self.base["language"],
            path=self.base["source_path"],
            unit_kind=self.unit_kind,
            **fields,
        )
        provenance = dict(self.base["provenance"])
        provenance["transforms"] = list(view_transforms)
        augmented = any(t != "anonymise" for t in view_transforms)
        seed = f"{self.unit_id}|{kind}|{'+'.join(view_transforms)}|{self.count}"
        example = {
            **self.base,
            "id": hashlib.blake2b(seed.encode(), digest_size=8).hexdigest(),
            "kind": kind,
            "prompt": prompt,
            "completion": completion,
            "instruction": instruction,
            "response": response,
            "format": None,
            "operator": None,
            "validated": None,
            "validation": None,
            "augmented": augmented,
            "origin_id": self.unit_id if augmented else None,
            "tokens": count_tokens(prompt) + count_tokens(completion),
            "provenance": provenance,
            "_unit": self.unit_id,
            "_group": self.group,
            "_hash": normalised_hash(kind, prompt, completion),
        }
        example.update(extra)
        return example

    # -- completion ------------------------------------------------------------

    def completion(
        self, view: UnitView, rng: random.Random, fim_rate: float, spm_rate: float
    ) -> list[dict[str, Any]]:
        stmts = view.stmts
        if not stmts:
            return []
        text = view.text
        i = rng.randrange(len(stmts))
        a, block_end = stmts[i]
        if rng.random() < fim_rate:
            ends = [*[s for s, _ in stmts[i + 1 :] if a < s < block_end][:4], block_end]
            b = rng.choice(ends)
            prefix, middle, suffix = _dec(text[:a]), _dec(text[a:b]), _dec(text[b:])
            if not middle.strip():
                return []
            if rng.random() < spm_rate:
                fmt, prompt = "fim-spm", f"{FIM_PREFIX}{FIM_SUFFIX}{suffix}{FIM_MIDDLE}{prefix}"
            else:
                fmt, prompt = "fim-psm", f"{FIM_PREFIX}{prefix}{FIM_SUFFIX}{suffix}{FIM_MIDDLE}"
            fields = {"prefix": prefix, "suffix": suffix, "middle": middle}
            return [
                self.emit(
                    "completion",
                    view.transforms,
                    prompt,
                    middle,
                    "completion:fim",
                    fields,
                    format=fmt,
                )
            ]
        context, continuation = _dec(text[:a]), _dec(text[a:block_end])
        if not continuation.strip():
            return []
        fields = {"context": context, "continuation": continuation}
        return [
            self.emit(
                "completion",
                view.transforms,
                context,
                continuation,
                "completion:l2r",
                fields,
                format="l2r",
            )
        ]

    # -- documentation <-> code -------------------------------------------------

    def doc_to_code(self, view: UnitView) -> list[dict[str, Any]]:
        if view.doc is None or not self.docstring:
            return []
        header, body = _dec(view.text[: view.body_start]), _dec(view.text[view.body_start :])
        if not body.strip():
            return []
        context = f" ({self.context})" if self.context else ""
        fields = {"header": header, "body": body, "context": context}
        return [self.emit("doc-to-code", view.transforms, header, body, "doc-to-code", fields)]

    def code_to_doc(self, view: UnitView) -> list[dict[str, Any]]:
        if view.doc is None or not self.docstring:
            return []
        a, b = view.doc
        code = _dec(view.text[:a] + view.text[b:])
        fields = {"code": code, "doc": self.docstring}
        return [
            self.emit("code-to-doc", view.transforms, code, self.docstring, "code-to-doc", fields)
        ]

    # -- naming -----------------------------------------------------------------

    def naming(self, view: UnitView) -> list[dict[str, Any]]:
        name = self.name
        if len(name) < 3 or (name.startswith("__") and name.endswith("__")):
            return []
        masked = mask_name(_dec(view.text), name)
        if masked is None:
            return []
        fields = {"masked": masked, "name": name}
        return [self.emit("naming", view.transforms, masked, name, "naming", fields)]

    def class_skeleton(self, view: UnitView, skeleton: str) -> list[dict[str, Any]]:
        header = _dec(view.text[: view.body_start])
        fields = {"header": header, "skeleton": skeleton}
        return [
            self.emit("class-skeleton", view.transforms, header, skeleton, "class-skeleton", fields)
        ]

    # -- bug -> fix ---------------------------------------------------------------

    def bug_fix(self, view: UnitView, buggy: bytes, operator: str, line: int) -> dict[str, Any]:
        fixed, bug = _dec(view.text), _dec(buggy)
        fields = {"buggy": bug, "fixed": fixed}
        return self.emit(
            "bug-fix", view.transforms, bug, fixed, "bug-fix", fields,
            operator=operator, validation=f"mutant parses; changed line {line}",
        )  # fmt: skip
