"""The running pieces of DevLab for one ``Settings``: store, job runner, language models.

The server builds one at start-up; each CLI command builds one for its run.
Everything below takes these explicitly; nothing reads the environment.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from devlab.config import Settings
from devlab.jobs import JobRunner
from devlab.store import Database

if TYPE_CHECKING:
    from devlab.llm import LLMService


@dataclass
class Workbench:
    settings: Settings
    db: Database
    jobs: JobRunner
    _llm: LLMService | None = field(default=None, repr=False)

    @property
    def llm(self) -> LLMService:
        """The language-model service, built from the settings on first use (loading a
        local model is slow, and most commands never need one)."""
        if self._llm is None:
            from devlab.llm import LLMService

            self._llm = LLMService(self.settings, self.db)
        return self._llm

    @llm.setter
    def llm(self, service: LLMService) -> None:
        self._llm = service

    @classmethod
    def open(cls, settings: Settings) -> Workbench:
        """Open the store (migrating it) and the job runner. The server then recovers
        from a crash (``devlab.server.app``: jobs and interrupted ingestions)."""
        db = Database(settings)
        return cls(settings, db, JobRunner(db, workers=settings.job_workers))

    def close(self) -> None:
        self.jobs.shutdown(wait=False)
        if self._llm is not None:
            self._llm.close()  # HTTP connections of remote providers
        self.db.close()
