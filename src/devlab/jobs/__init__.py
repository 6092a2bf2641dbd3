"""Long work as jobs: records, progress, logs, cancellation, the local runner."""

from devlab.jobs.models import TERMINAL, JobInfo, JobLogLine, JobProgress, JobStatus
from devlab.jobs.runner import JobContext, JobFn, JobRunner
from devlab.progress import JobCancelled

__all__ = [
    "TERMINAL",
    "JobCancelled",
    "JobContext",
    "JobFn",
    "JobInfo",
    "JobLogLine",
    "JobProgress",
    "JobRunner",
    "JobStatus",
]
