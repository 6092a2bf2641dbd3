"""The model registry, read by the language-model layer: which fine-tuned version serves
a task kind right now.

``devlab.training.registry`` writes ``model_versions.active_tasks``; this module only
reads it (the LLM layer sits below training), once per request, so an activation or a
rollback takes effect at the next request without a restart. A version becomes a local
transformers provider named ``registry`` whose model is ``NAME@vN``: the Companion's
feedback rows then say which version produced an answer (``registry:NAME@vN``).
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from sqlalchemy import select

from devlab.config import Settings
from devlab.llm.base import LLMProvider
from devlab.store import Database, ModelVersionRow

REGISTRY_PROVIDER = "registry"


class DeployedVersion(NamedTuple):
    id: int
    tag: str  # NAME@vN
    base_model: str  # "" = the packaged model
    adapter_path: Path | None
    weights_path: Path | None


def home_path(settings: Settings, stored: str | None) -> Path | None:
    """A stored path (relative to the home when it lies inside it) made absolute."""
    if not stored:
        return None
    path = Path(stored)
    return path if path.is_absolute() else settings.home / path


def active_version(db: Database, settings: Settings, task: str) -> DeployedVersion | None:
    """The ready version active for ``task``, if any."""
    with db.session() as s:
        rows = s.scalars(select(ModelVersionRow).where(ModelVersionRow.status == "ready"))
        row = next((r for r in rows if task in (r.active_tasks or [])), None)
        if row is None:
            return None
        return DeployedVersion(
            row.id,
            f"{row.name}@v{row.version}",
            row.base_model,
            home_path(settings, row.adapter_path),
            home_path(settings, row.weights_path),
        )


def version_provider(settings: Settings, version: DeployedVersion) -> LLMProvider:
    """A local provider serving ``version`` (merged weights, or base + adapter)."""
    from devlab.llm.providers.local import TransformersProvider

    model_dir: Path | None
    if version.weights_path is not None:
        model_dir, adapter = version.weights_path, None
    else:
        model_dir = Path(version.base_model) if version.base_model else None
        adapter = version.adapter_path
    provider = TransformersProvider(
        REGISTRY_PROVIDER,
        models_dir=settings.models_dir,
        model_dir=model_dir,
        adapter_path=adapter,
        context_window=settings.llm_local_context_window,
        timeout_s=settings.llm_local_timeout_s,
        engine=settings.llm_local_engine,
    )
    provider.model = version.tag
    return provider


__all__ = ["REGISTRY_PROVIDER", "DeployedVersion", "active_version", "version_provider"]
