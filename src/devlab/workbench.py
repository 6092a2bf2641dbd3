"""The running pieces of DevLab for one ``Settings``: store and job runner.

The server builds one at start-up; each CLI command builds one for its run.
Everything below takes these explicitly; nothing reads the environment.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from devlab.config import Settings
from devlab.jobs.runner import JobRunner
from devlab.store.db import Database

if TYPE_CHECKING:
    from devlab.llm.service import LLMService


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
            from devlab.llm.service import LLMService

            self._llm = LLMService(self.settings, self.db)
        return self._llm

    @llm.setter
    def llm(self, service: LLMService) -> None:
        self._llm = service

    @classmethod
    def open(cls, settings: Settings, *, recover: bool = False) -> Workbench:
        """Open the store (migrating it) and, for a server, recover from a crash."""
        db = Database(settings)
        jobs = JobRunner(db, workers=settings.job_workers)
        bench = cls(settings, db, jobs)
        if recover:
            from devlab.codebase.ingest import recover_interrupted

            jobs.recover()
            recover_interrupted(db, settings)
        return bench

    def close(self) -> None:
        self.jobs.shutdown(wait=False)
        if self._llm is not None:
            self._llm.close()  # HTTP connections of remote providers
        self.db.close()
