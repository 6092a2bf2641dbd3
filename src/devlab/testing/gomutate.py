"""Go mutants run against the ``go test`` tests of the target's package, in the sandbox.

The mutants are the dataset pipeline's (``mutation.file_mutants``: the same tree-sitter
operators as Python's and JavaScript's, each re-parsed so it is valid Go). One sandbox
run per batch: ``go test -count=1 .`` in the package's folder on the original first (when
it fails, the batch says nothing), then each mutant copied over the target file and the
package's tests run again (one compile of the package per mutant, the build cache shared
inside the run), under a per-mutant ``timeout``. Offline, like every Go run here.
A mutant is *killed* when the tests fail, do not build or time out.
"""

from __future__ import annotations

import posixpath
import shlex

from devlab.config import Settings
from devlab.progress import ProgressFn, report
from devlab.sandbox import SandboxRequest, run_code
from devlab.testing.gorun import go_module
from devlab.testing.sandboxrun import toolchain_limits

__all__ = ["BATCH", "run_go_mutants"]

MARK = "@@DEVLAB_GO_MUTANT@@"
FAIL_MARK = "@@DEVLAB_GO_FAILED@@"
BATCH = 12  # one package compile per mutant: a run's wall limit holds about this many
_ENV = (
    "export GOCACHE=/tmp/gocache GOPATH=/tmp/go GOPROXY=off GOSUMDB=off CGO_ENABLED=0 "
    "GOTOOLCHAIN=local GOTELEMETRY=off GO111MODULE=on HOME=/tmp GOFLAGS=-mod=mod\n"
)


def _failing(stdout: str) -> dict[str, list[str]]:
    """``{mutant id: its failing test functions}``: the names precede the id's line."""
    out: dict[str, list[str]] = {}
    names: list[str] = []
    for line in stdout.splitlines():
        words = line.split()
        if len(words) == 2 and words[0] == FAIL_MARK:
            names.append(words[1])
        elif len(words) == 3 and words[0] == MARK:
            if names and words[1] != "original":
                out[words[1]] = names
            names = []
    return out


def run_go_mutants(
    files: dict[str, str],
    settings: Settings,
    *,
    path: str,
    mutants: list[tuple[str, str]],
    timeout: float = 30.0,
    only: list[str] | None = None,
    failing: dict[str, list[str]] | None = None,
    progress: ProgressFn | None = None,
) -> tuple[dict[str, str], str]:
    """``{mutant id: passed|failed|timeout}`` of the batches whose original passed, and
    why the others were not judged (empty when every batch was). ``only``: run just
    these test functions (``go test -run``); ``failing``: filled with each mutant's
    failing test functions (``go test -v``'s ``--- FAIL:`` lines)."""
    pick = ""
    if only:  # generated names (TestDevlab_...): letters, digits and underscores
        pick = " -run " + shlex.quote("^(" + "|".join(only) + ")$")
    verbose = " -v" if failing is not None else ""
    # the failing tests' names, each on a line of its own before the mutant's own line
    keep = (
        '2>&1 | sed -n "s/^ *--- FAIL: \\([A-Za-z0-9_]*\\).*/' + FAIL_MARK + ' \\1/p"'
        if failing is not None else "> /dev/null 2>&1"
    )  # fmt: skip
    done: dict[str, str] = {}
    message = ""
    folder = posixpath.dirname(path) or "."
    run_files = dict(files)
    if not any(posixpath.basename(p) == "go.mod" for p in files):
        run_files["go.mod"] = f"module {go_module(files)[1]}\n\ngo 1.19\n"
    batches = [mutants[i : i + BATCH] for i in range(0, len(mutants), BATCH)]
    wall = settings.sandbox_max_wall_seconds
    for n, batch in enumerate(batches, 1):
        report(progress, "mutants", n - 1, len(batches), f"batch {n} of {len(batches)}")
        extra = {f"_devlab_mutants/{i}.txt": text for i, (_, text) in enumerate(batch)}
        target, where = shlex.quote(path), shlex.quote(folder)  # the project's names, quoted
        steps = "".join(
            f'cp "$R/_devlab_mutants/{i}.txt" "$R"/{target}; one {shlex.quote(mid)}\n'
            for i, (mid, _) in enumerate(batch)
        )
        script = (
            _ENV + f'R="$(cd "$(dirname "$0")" && pwd)"; cp "$R"/{target} /tmp/original.go\n'
            f'one() {{ (set -o pipefail; cd "$R"/{where} && timeout {int(timeout)} '
            f"go test -count=1{verbose}{pick} . {keep}); rc=$?; "
            f'echo "{MARK} $1 $rc"; }}\n'
            "one original\n"
            + steps
            + f'cp /tmp/original.go "$R"/{target}\n'
        )  # fmt: skip
        request = SandboxRequest(
            language="bash", files={**run_files, **extra, "_devlab_mut.sh": script},
            entry="_devlab_mut.sh", limits=toolchain_limits(settings, wall),
        )  # fmt: skip
        result = run_code(request, settings)
        outcomes: dict[str, str] = {}
        for line in result.stdout.splitlines():
            words = line.split()
            if len(words) == 3 and words[0] == MARK and words[2].isdigit():
                rc = int(words[2])
                outcomes[words[1]] = "passed" if rc == 0 else "timeout" if rc == 124 else "failed"
        if outcomes.get("original") != "passed":
            why = outcomes.get("original") or result.status
            message = f"the tests do not pass on the original code ({why}); mutants not judged"
            continue
        done.update({k: v for k, v in outcomes.items() if k != "original"})
        if failing is not None:
            failing.update(_failing(result.stdout))
    report(progress, "mutants", len(batches), len(batches), "done")
    return done, message
