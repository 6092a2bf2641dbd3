"""The team's own held-out tasks: generate or repair a function, then run its tests.

A dataset's ``test`` split holds, for Python functions that have linked pytest tests,
examples carrying those tests' node ids (``tests``, recorded at build time):

- **function with tests** (a ``doc-to-code`` example): the model continues the file up
  to the function plus its signature and docstring; the body it writes (cut where the
  indentation leaves the function) replaces the original function, and the function's
  own tests run;
- **bug fix** (a ``bug-fix`` example whose tests fail on the mutant; pairs the build
  found the tests do *not* catch are skipped): the model gets the same instruction the
  training records use and its function replaces the original.

Every sample runs in the sandbox through the dataset builder's variant runner
(:mod:`devlab.training.datasets.validate`): one sandbox run per task with the project
files the tests need (the function's and the tests' files and the Python files they
import, from the snapshot the dataset was built from, redacted as the dataset was), the
**reference** first (the example's expected code spliced in; when the tests fail there
the task says nothing about the model and is not counted), then every sample.

**Style consistency**: the share of generated functions that the project's formatter
leaves unchanged. The formatter is ``ruff format`` (black-compatible) with the line
length and quote style read from the snapshot's ``pyproject.toml`` (``[tool.black]`` or
``[tool.ruff]``); a function counts only where the formatter leaves the project's own
version of it unchanged (the project follows that style there).
"""

from __future__ import annotations

import subprocess
import textwrap
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy import select

from devlab.config import Settings
from devlab.llm import ChatMessage, GenerationParams, LLMService, extract_code
from devlab.store import Database, FileText, FileVersion, SnapshotFile
from devlab.training.datasets.inputs import ProjectInputs, load_project
from devlab.training.datasets.models import DatasetConfig
from devlab.training.datasets.pairs import TASK_KINDS, python_closure, splice
from devlab.training.datasets.privacy import redact
from devlab.training.datasets.validate import ValidationJob, run_validations

__all__ = [
    "Formatter",
    "TeamTask",
    "TeamWorkspace",
    "cut_body",
    "generate_unit",
    "run_task",
    "team_task",
]

PREFIX_CHARS = 3000  # how much of the file before the function the model is shown


@dataclass(frozen=True)
class Formatter:
    """``ruff format`` with a project's settings."""

    line_length: int = 88
    quote_style: str = "double"  # double | single | preserve

    def format(self, code: str) -> str | None:
        """``code`` (dedented) as the formatter writes it; None when it cannot."""
        from devlab.training.datasets.augment import ruff_binary

        ruff = ruff_binary()
        if ruff is None:
            return None
        done = subprocess.run(
            [ruff, "format", "--isolated", "--no-cache", "--line-length", str(self.line_length),
             "--config", f"format.quote-style = '{self.quote_style}'",
             "--stdin-filename", "unit.py", "-"],
            input=textwrap.dedent(code), capture_output=True, text=True, timeout=60, check=False,
        )  # fmt: skip
        return done.stdout if done.returncode == 0 else None

    def follows(self, original: str) -> bool:
        """Whether the project's own ``original`` is already in this style (computed
        once per function: every sample of a task asks again)."""
        return _follows(self, original)

    def consistent(self, generated: str, original: str) -> bool | None:
        """Whether the formatter leaves ``generated`` unchanged; None when the project's
        own ``original`` is not in this style (or either cannot be formatted)."""
        if not self.follows(original):
            return None
        mine = self.format(generated)
        if mine is None:
            return None
        return mine.strip() == textwrap.dedent(generated).strip()


@lru_cache(maxsize=1024)
def _follows(formatter: Formatter, original: str) -> bool:
    reference = formatter.format(original)
    return reference is not None and reference.strip() == textwrap.dedent(original).strip()


def project_formatter(pyproject: str | None) -> Formatter:
    """The formatter settings of a ``pyproject.toml`` (black's or ruff's); defaults
    otherwise (black's: 88 columns, double quotes)."""
    if not pyproject:
        return Formatter()
    try:
        tool = tomllib.loads(pyproject).get("tool", {})
    except tomllib.TOMLDecodeError:
        return Formatter()
    ruff, black = tool.get("ruff") or {}, tool.get("black") or {}
    if ruff:
        quote = (ruff.get("format") or {}).get("quote-style", "double")
        return Formatter(int(ruff.get("line-length", 88)), str(quote))
    if black:
        quote = "preserve" if black.get("skip-string-normalization") else "double"
        return Formatter(int(black.get("line-length", 88)), quote)
    return Formatter()


@dataclass
class TeamTask:
    """One executable task from a held-out example."""

    example: dict[str, Any]
    path: str
    start_line: int
    end_line: int
    reference: str  # the function as the project has it (the expected answer)
    targets: list[str]  # pytest node ids

    @property
    def kind(self) -> str:
        return str(self.example["kind"])

    @property
    def task_id(self) -> str:
        return f"{self.kind}:{self.example['id']}"


def team_task(example: dict[str, Any]) -> TeamTask | None:
    """The task of a held-out example, or None when it is not one (not Python, no
    tests, an augmented copy, a mutant the tests do not catch)."""
    if (
        example.get("kind") not in TASK_KINDS
        or example.get("language") != "python"
        or not example.get("tests")
        or example.get("augmented")
        or (example["kind"] == "bug-fix" and example.get("validated") is False)
    ):
        return None
    prov = example.get("provenance") or {}
    if not prov.get("snapshot_id") or not prov.get("start_line") or not prov.get("end_line"):
        return None
    if example["kind"] == "doc-to-code":
        reference = (example.get("prompt") or "") + (example.get("completion") or "")
    else:
        reference = example.get("completion") or ""
    return TeamTask(
        example,
        prov["path"],
        int(prov["start_line"]),
        int(prov["end_line"]),
        reference,
        list(example["tests"]),
    )


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def _header_indent(header: str) -> str:
    first = next((line for line in header.splitlines() if line.strip()), "")
    return first[: _indent(first)]


def cut_body(header: str, text: str, language: str | None = "python") -> str:
    """The part of a continuation that still belongs to the function ``header`` opens.
    Python: up to the first non-blank line indented no deeper than the header. Brace
    languages: up to and including the closing ``}`` at the header's indentation."""
    depth = len(_header_indent(header))
    kept: list[str] = []
    for line in text.splitlines(keepends=True):
        if line.strip() and _indent(line) <= depth:
            if language != "python" and line.strip().startswith("}"):
                kept.append(line)
            break
        kept.append(line)
    body = "".join(kept).rstrip()
    return body + "\n" if body else ""


def _reindent(code: str, indent: str) -> str:
    return textwrap.indent(textwrap.dedent(code).strip("\n") + "\n", indent)


def generate_unit(
    llm: LLMService, task: TeamTask, prefix: str, params: GenerationParams
) -> tuple[str, str]:
    """``(the function the model wrote, its raw output)``."""
    ex = task.example
    indent = _header_indent(ex["prompt"] if task.kind == "doc-to-code" else task.reference)
    if task.kind == "doc-to-code":
        stops = [f"\n{indent}def ", f"\n{indent}class ", f"\n{indent}@", "\nif __name__"]
        if indent:
            stops += ["\ndef ", "\nclass "]
        params = params.model_copy(update={"stop": stops})
        raw = llm.complete("generate", prefix + ex["prompt"], params).text
        blocks = extract_code(raw, "python") if "```" in raw else []
        if blocks and "def " in blocks[0].code:  # a chat model wrote the whole function
            return _reindent(blocks[0].code, indent), raw
        return ex["prompt"] + cut_body(ex["prompt"], raw), raw
    answer = llm.chat("fix", [ChatMessage(role="user", content=ex["instruction"])], params).text
    # the last block: a model that first echoes the question's code answers after it
    blocks = extract_code(answer, "python")
    code = blocks[-1].code if blocks else answer
    return _reindent(code, indent), answer


class TeamWorkspace:
    """The snapshot files of a dataset's tasks, loaded once per snapshot and redacted as
    the dataset's build redacted them."""

    def __init__(self, db: Database, settings: Settings, dataset_config: dict[str, Any]) -> None:
        self.db, self.settings = db, settings
        self.emails = bool(dataset_config.get("redact_emails", True))
        self.ips = bool(dataset_config.get("redact_ips", True))
        self._inputs: dict[tuple[str, int], ProjectInputs] = {}
        self._formatters: dict[int, Formatter] = {}

    def _load(self, example: dict[str, Any]) -> ProjectInputs:
        prov = example["provenance"]
        key = (prov["project"], int(prov["snapshot_id"]))
        if key not in self._inputs:
            cfg = DatasetConfig(languages=["python"], own_project=True)
            self._inputs[key] = load_project(self.db, key[0], cfg, snapshot_id=key[1])
        return self._inputs[key]

    def text(self, example: dict[str, Any], path: str) -> str | None:
        raw = self._load(example).texts.get(path)
        return None if raw is None else redact(raw, emails=self.emails, ips=self.ips)[0]

    def prefix(self, task: TeamTask) -> str:
        """The file before the function (its last ``PREFIX_CHARS``, from a line start)."""
        text = self.text(task.example, task.path) or ""
        before = "".join(text.splitlines(keepends=True)[: task.start_line - 1])
        if len(before) > PREFIX_CHARS:
            cut = before[-PREFIX_CHARS:]
            before = cut[cut.find("\n") + 1 :]
        return before

    def formatter(self, example: dict[str, Any]) -> Formatter:
        snapshot_id = int(example["provenance"]["snapshot_id"])
        if snapshot_id not in self._formatters:
            with self.db.session() as s:
                text = s.scalar(
                    select(FileText.text)
                    .join(FileVersion, FileVersion.id == FileText.file_id)
                    .join(SnapshotFile, SnapshotFile.file_id == FileVersion.id)
                    .where(
                        SnapshotFile.snapshot_id == snapshot_id,
                        FileVersion.path == "pyproject.toml",
                    )
                )
            self._formatters[snapshot_id] = project_formatter(text)
        return self._formatters[snapshot_id]

    def job(self, task: TeamTask, samples: dict[str, str]) -> ValidationJob | str:
        """The sandbox job running the task's tests on the reference and each sample
        (sample id -> function); a string says why there is none."""
        inputs = self._load(task.example)
        test_files = sorted({t.split("::", 1)[0] for t in task.targets})
        paths = python_closure([task.path, *test_files], inputs)
        if task.path not in paths or not all(p in paths for p in test_files):
            return "the function's or its tests' files are not in the snapshot"
        files = {p: self.text(task.example, p) or "" for p in paths}
        original = files[task.path]
        units = {"reference": task.reference, **samples}
        variants = [
            (vid, {task.path: splice(original, task.start_line, task.end_line, code)})
            for vid, code in units.items()
        ]
        search = ["."] + (["src"] if any(p.startswith("src/") for p in paths) else [])
        return ValidationJob(task.task_id, files, variants, task.targets, search)


def run_task(
    workspace: TeamWorkspace,
    task: TeamTask,
    samples: dict[str, str],
    timeout_s: float,
) -> tuple[dict[str, str], str | None]:
    """Run the task's tests on the reference and on each sample in one sandbox run:
    ``(outcomes by variant id, why the task could not be judged or None)``."""
    job = workspace.job(task, samples)
    if isinstance(job, str):
        return {}, job
    (result,) = run_validations([job], workspace.settings, timeout=timeout_s, workers=1)
    if result.error:
        return result.outcomes, result.error
    reference = result.outcomes.get("reference")
    if reference != "passed":
        return result.outcomes, f"the project's tests {reference} on the reference code"
    return result.outcomes, None
