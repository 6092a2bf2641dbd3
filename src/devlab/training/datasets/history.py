"""Examples from git history: refactoring pairs and commit message <-> diff pairs.

The repository is the one given at build time (``git``), or the project's recorded
source when that is a local git repository. Commits are read newest first (merges left
out, at most ``git_max_commits``), with OctoPack-style filters (CommitPackFT) on what a
usable commit looks like:

* the message's subject starts with an imperative verb from ``VERBS`` ("Fix ...",
  "Add ...") and is 3 to 25 words, at most 100 characters, mostly ASCII, with no URL;
  merges, reverts, "WIP", "fixup!"/"squash!" are out;
* the commit touches 1 to ``git_max_files`` source files the parser knows, in at most
  ``git_max_diff_lines`` changed lines, and every one of them passes the licence filter.

From each kept commit: ``diff-to-message`` (the diff -> the subject),
``message-to-diff`` (the subject and the files before -> the diff) and, per function or
method whose code changed, ``refactor`` (before -> after, with the subject). A refactor
pair of a Python function with linked tests is validated in the sandbox: its tests run
at the commit against the function's file before and after; pairs whose tests fail are
dropped ("tests still pass" is what makes a change a refactoring), pairs without tests
are kept with ``validated: null``. Files are read in bulk through ``git cat-file
--batch``; git runs with the same locked-down environment as ingestion.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from devlab.codebase import PARSED_LANGUAGES, detect_language, git_env, parse_source, run_git
from devlab.config import Settings

__all__ = ["VERBS", "Commit", "FunctionChange", "accept_message", "read_history"]

VERBS = frozenset(
    """add adjust allow apply avoid break bump cache call catch change check clarify clean
    cleanup close collect combine compute convert copy correct create decrease define delete
    deprecate detect disable document drop enable encode ensure exclude expose extend extract
    factor fix format generalize generalise handle hide ignore implement import improve
    include increase initialize initialise inline introduce invert keep limit load log make
    mark merge move normalize normalise optimize optimise parse pass prefer prepare prevent
    print raise read reduce refactor register reject remove rename reorder reorganize replace
    require reset resolve restore restrict return reuse revise rewrite run save separate set
    show simplify skip sort split store strip support swap switch throw tidy tweak unify
    update upgrade use validate wrap write""".split()  # noqa: SIM905 (a word list reads best)
)
_REJECT = re.compile(r"^(merge|revert|wip|fixup!|squash!|amend!)\b", re.I)
_URL = re.compile(r"https?://|www\.")


def accept_message(subject: str) -> tuple[bool, str]:
    """``(keep, reason)`` for a commit subject under the OctoPack-style filters."""
    words = subject.split()
    if not words:
        return False, "empty message"
    if _REJECT.match(subject):
        return False, "merge/revert/WIP/fixup"
    if words[0].lower().strip(":,.") not in VERBS:
        return False, "does not start with an imperative verb"
    if not 3 <= len(words) <= 25 or len(subject) > 100:
        return False, "length outside 3-25 words / 100 characters"
    if _URL.search(subject):
        return False, "contains a URL"
    if sum(c.isascii() for c in subject) < 0.9 * len(subject):
        return False, "mostly non-ASCII"
    return True, "kept"


@dataclass
class FunctionChange:
    path: str
    language: str
    qualname: str
    kind: str
    before: str
    after: str
    start_line: int
    end_line: int


@dataclass
class Commit:
    sha: str
    parent: str
    subject: str
    paths: list[str]
    diff: str
    before: dict[str, str] = field(default_factory=dict)  # path -> text at the parent
    after: dict[str, str] = field(default_factory=dict)  # path -> text at the commit
    changes: list[FunctionChange] = field(default_factory=list)


def find_repo(path: str | None, settings: Settings) -> Path | None:
    """The work tree of the git repository at ``path``, or None."""
    if not path or not Path(path).is_dir():
        return None
    proc = run_git(["rev-parse", "--show-toplevel"], settings, cwd=Path(path), what="git")
    return Path(proc.stdout.strip()) if proc.returncode == 0 and proc.stdout.strip() else None


def _log(repo: Path, settings: Settings, limit: int) -> list[tuple[str, str, str, list]]:
    proc = run_git(
        ["log", "--no-merges", f"-n{limit}", "--format=%x1e%H%x00%P%x00%s%x00", "--numstat",
         "--no-renames", "HEAD"],
        settings, cwd=repo, what="git log",
    )  # fmt: skip
    if proc.returncode != 0:
        return []
    found = []
    for record in proc.stdout.split("\x1e")[1:]:
        parts = record.split("\x00")
        if len(parts) < 4:
            continue
        sha, parents, subject, rest = parts[0], parts[1].split(), parts[2], parts[3]
        numstat = []
        for line in rest.strip().splitlines():
            cols = line.split("\t")
            if len(cols) == 3:
                added, deleted, path = cols
                lines = (int(added) if added.isdigit() else 0) + (
                    int(deleted) if deleted.isdigit() else 0
                )
                numstat.append((path, lines, added == "-"))
        if parents:
            found.append((sha, parents[0], subject.strip(), numstat))
    return found


def _cat_files(repo: Path, specs: list[str]) -> dict[str, str | None]:
    """``{"sha:path": text or None}`` through one ``git cat-file --batch``."""
    if not specs:
        return {}
    proc = subprocess.run(
        ["git", "-C", str(repo), "cat-file", "--batch"],
        input=("\n".join(specs) + "\n").encode(), capture_output=True, env=git_env(),
        timeout=120, check=False,
    )  # fmt: skip
    out: dict[str, str | None] = {}
    data, pos = proc.stdout, 0
    for spec in specs:
        end = data.find(b"\n", pos)
        if end == -1:
            break
        header = data[pos:end].split()
        pos = end + 1
        if len(header) < 3 or header[1] != b"blob":
            out[spec] = None
            continue
        size = int(header[2])
        blob = data[pos : pos + size]
        pos += size + 1
        try:
            out[spec] = blob.decode("utf-8")
        except UnicodeDecodeError:
            out[spec] = None
    return out


def _changes(path: str, language: str, before: str, after: str) -> list[FunctionChange]:
    def defs(text: str) -> dict[str, tuple[str, str, int, int]]:
        lines = text.splitlines(keepends=True)
        found = {}
        for sym in parse_source(text, language).symbols:
            if sym.kind in ("function", "method"):
                code = "".join(lines[sym.start_line - 1 : sym.end_line])
                found[sym.qualname] = (sym.kind, code, sym.start_line, sym.end_line)
        return found

    old, new = defs(before), defs(after)
    changes = []
    for qualname, (kind, code, start, end) in new.items():
        if qualname in old and " ".join(old[qualname][1].split()) != " ".join(code.split()):
            changes.append(
                FunctionChange(path, language, qualname, kind, old[qualname][1], code, start, end)
            )
    return changes


def read_history(
    repo: Path,
    settings: Settings,
    *,
    max_commits: int,
    max_files: int,
    max_diff_lines: int,
    allowed_paths: set[str] | None,
) -> tuple[list[Commit], dict[str, int]]:
    """Kept commits (with diff, file texts and changed functions) and why others were
    left out (counts by reason)."""
    skipped: dict[str, int] = {}
    chosen = []
    for sha, parent, subject, numstat in _log(repo, settings, max_commits):
        ok, reason = accept_message(subject)
        code = [
            (p, n, binary)
            for p, n, binary in numstat
            if (detect_language(p) or "") in PARSED_LANGUAGES
        ]
        if ok and not code:
            ok, reason = False, "no source file changed"
        elif ok and (len(code) > max_files or any(b for _, _, b in code)):
            ok, reason = False, f"more than {max_files} source files or a binary file"
        elif ok and sum(n for _, n, _ in code) > max_diff_lines:
            ok, reason = False, f"diff over {max_diff_lines} lines"
        elif ok and allowed_paths is not None and any(p not in allowed_paths for p, _, _ in code):
            ok, reason = False, "a file outside the licence filter"
        if not ok:
            skipped[reason] = skipped.get(reason, 0) + 1
            continue
        chosen.append((sha, parent, subject, [p for p, _, _ in code]))
    specs = [
        f"{rev}:{p}" for sha, parent, _, paths in chosen for rev in (parent, sha) for p in paths
    ]
    blobs = _cat_files(repo, specs)
    commits = []
    for sha, parent, subject, paths in chosen:
        proc = run_git(
            ["show", "--format=", "--no-color", "--no-renames", "--unified=3", sha, "--", *paths],
            settings,
            cwd=repo,
            what="git show",
        )
        if proc.returncode != 0 or not proc.stdout.strip():
            continue
        commit = Commit(sha, parent, subject, paths, proc.stdout)
        for path in paths:
            before, after = blobs.get(f"{parent}:{path}"), blobs.get(f"{sha}:{path}")
            if before is not None:
                commit.before[path] = before
            if after is not None:
                commit.after[path] = after
            if before is not None and after is not None:
                language = detect_language(path) or ""
                commit.changes += _changes(path, language, before, after)
        commits.append(commit)
    return commits, skipped


def files_at(repo: Path, rev: str, paths: list[str]) -> dict[str, str]:
    """The texts of ``paths`` at ``rev`` (missing ones left out)."""
    blobs = _cat_files(repo, [f"{rev}:{p}" for p in paths])
    return {p: t for p in paths if (t := blobs.get(f"{rev}:{p}")) is not None}
