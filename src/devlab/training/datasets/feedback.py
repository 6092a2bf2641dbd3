"""User corrections from the Dev Companion as instruction examples (kind ``feedback``).

A correction is the best training signal a team has: what its model was asked, and what
a developer says the answer should have been. Only a correction whose author gave
``training_consent`` is used, and only in a build of the project it was given in::

    instruction = the prompt's system message + its last user message (what was asked)
    response    = the correction

These examples always go to ``train`` (they are signal to learn from, not a held-out
measure) and pass through the same cleaning as every other example: secrets are
scrubbed (the user's text was never ingested, so never scrubbed) and e-mail/IP
addresses redacted here; decontamination and exact dedup follow in the pipeline.
Licences do not apply: the user wrote the text. Consent withdrawn before a build
leaves the correction out of that version and every later one.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from typing import Any

from sqlalchemy import func, select

from devlab.codebase import PARSED_LANGUAGES, scrub
from devlab.llm import fenced_blocks, normalize_language
from devlab.store import Database, FeedbackRow
from devlab.training.datasets.annotate import count_tokens
from devlab.training.datasets.extract import normalised_hash
from devlab.training.datasets.inputs import ProjectInputs
from devlab.training.datasets.models import BuildReport, DatasetConfig
from devlab.training.datasets.privacy import redact

__all__ = ["FEEDBACK_KIND", "feedback_examples", "instruction_of"]

FEEDBACK_KIND = "feedback"


def instruction_of(prompt: list[dict[str, Any]]) -> str:
    """What the model was asked: the system message and the last user message of the
    chat sent (earlier turns are left out; the last one carries the context)."""
    system = next((m.get("content") or "" for m in prompt if m.get("role") == "system"), "")
    user = next((m.get("content") or "" for m in reversed(prompt) if m.get("role") == "user"), "")
    return "\n\n".join(part.strip() for part in (system, user) if part.strip())


def _language(*texts: str) -> str | None:
    """The language of the first fenced block naming a parsed language, if any."""
    for text in texts:
        for info, _body in fenced_blocks(text or ""):
            language = normalize_language(info)
            if language in PARSED_LANGUAGES:
                return language
    return None


def _clean(text: str, cfg: DatasetConfig, privacy: Counter[str]) -> str:
    text, found = scrub("", text)
    privacy.update(f"secret:{f.type}" for f in found)
    text, counts = redact(text, emails=cfg.redact_emails, ips=cfg.redact_ips)
    # placeholders already there came from ingested context, counted at ingestion
    privacy.update({k: v for k, v in counts.items() if not k.startswith("secret:")})
    return text


def _example(
    row: FeedbackRow, project: ProjectInputs, cfg: DatasetConfig, privacy: Counter[str]
) -> dict[str, Any] | None:
    asked = instruction_of(row.prompt or [])
    if not asked:
        return None
    instruction = _clean(asked, cfg, privacy)
    response = _clean(row.correction or "", cfg, privacy)
    unit = f"{project.name}:feedback:{row.id}"
    return {
        "id": hashlib.blake2b(unit.encode(), digest_size=8).hexdigest(),
        "kind": FEEDBACK_KIND,
        "split": "train",
        "language": _language(row.correction or "", row.answer, asked),
        "category": None,
        "source_path": None,
        "symbol": None,
        "prompt": instruction,
        "completion": response,
        "instruction": instruction,
        "response": response,
        "format": None,
        "operator": None,
        "validated": None,
        "validation": None,
        "augmented": False,
        "origin_id": None,
        "complexity": None,
        "tokens": count_tokens(instruction) + count_tokens(response),
        "quality": 1.0,  # a developer wrote it; the code heuristics do not apply
        "quality_flags": [],
        "tests": [],
        "provenance": {
            "project": project.name,
            "snapshot_id": None,
            "path": None,
            "commit": None,
            "licence": None,
            "start_line": None,
            "end_line": None,
            "transforms": [],
            "feedback_id": row.id,
            "message_id": row.message_id,
            "model_version": row.model_version,
            "action": row.action,
            "created_at": row.created_at.isoformat(),
        },
        "_unit": unit,
        "_group": f"{project.name}\x00feedback",
        "_hash": normalised_hash(FEEDBACK_KIND, instruction, response),
        "_split": "train",  # never held out (splits.assign_splits keeps it)
    }


def feedback_examples(
    db: Database,
    loaded: dict[str, ProjectInputs],
    cfg: DatasetConfig,
    rep: BuildReport,
) -> list[dict[str, Any]]:
    """The consented corrections given in the build's projects, as examples; what was
    left out (no consent, no prompt) is counted in ``rep`` for the data card."""
    by_id = {p.project_id: p for p in loaded.values()}
    found: list[dict[str, Any]] = []
    tally: Counter[str] = Counter()
    corrected = (
        FeedbackRow.project_id.in_(list(by_id)),
        FeedbackRow.correction.is_not(None),
        FeedbackRow.correction != "",
    )
    with db.session() as s:
        # left out for lack of consent: counted, never read
        tally["without_consent"] = (
            s.scalar(
                select(func.count()).where(*corrected, FeedbackRow.training_consent.is_(False))
            )
            or 0
        )
        rows = s.scalars(
            select(FeedbackRow)
            .where(*corrected, FeedbackRow.training_consent.is_(True))
            .order_by(FeedbackRow.id)
        ).all()
    for row in rows:
        if not (row.correction or "").strip():
            continue
        example = _example(row, by_id[row.project_id], cfg, rep.privacy)  # type: ignore[index]
        if example is None:
            tally["without_prompt"] += 1
            continue
        tally["taken"] += 1
        found.append(example)
    total = tally["without_consent"] + len(rows)
    rep.stats["feedback_corrections"] = total
    rep.stats["feedback_taken"] = tally["taken"]
    rep.stats["feedback_without_consent"] = tally["without_consent"]
    rep.stats["feedback_without_prompt"] = tally["without_prompt"]
    rep.filters.append(
        (
            "user corrections",
            f"{total:,} Companion corrections given in these projects: "
            f"{tally['taken']:,} taken (their authors consented to training), "
            f"{tally['without_consent']:,} left out for lack of consent"
            + (
                f", {tally['without_prompt']:,} left out without a stored prompt"
                if tally["without_prompt"]
                else ""
            ),
        )
    )
    return found
