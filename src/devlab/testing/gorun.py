"""Go coverage: a project's own ``go test`` suite with ``-cover``, in the sandbox, read
back as the same per-file and per-function report as Python's and JavaScript's.

One sandboxed shell run: ``go test -json -covermode=count -coverpkg=./...
-coverprofile=...`` over every package of the project's module (the shallowest
``go.mod``; a project without one gets ``module sandbox``), offline: ``GOPROXY=off``,
``-mod=mod`` (or ``-mod=vendor`` when the project vendors its dependencies), cgo off,
a fresh build cache. ``-coverpkg=./...`` makes every test binary count every package
of the module, so a package without tests shows up at 0% instead of vanishing.

What Go measures and what we report: Go's cover tool counts *statement blocks*, not
branches. A line is code when a block spans it and it is not blank or a comment; it
is covered when a block spanning it ran. Branch figures are 0 (Go has no branch
coverage); the message says so. The time limit: ``go test -timeout`` stops a whole
test binary (one package), which then writes no profile; the other packages are
still measured, and the tests that never finished are reported ``timeout``.
"""

from __future__ import annotations

import json
import posixpath
import time
from collections.abc import Sequence
from typing import Any

from devlab.config import Settings
from devlab.sandbox import DependencyMount, SandboxRequest, run_code
from devlab.testing.jsrun import JsRun, block_end, code_lines, summary_of_lines
from devlab.testing.models import FileCoverage, FunctionCoverage, TestOutcome
from devlab.testing.sandboxrun import toolchain_limits

__all__ = [
    "GO_SUFFIXES",
    "go_code_lines",
    "go_module",
    "go_sources",
    "go_tests",
    "parse_go_events",
    "parse_profile",
    "run_go_suite",
]

GO_SUFFIXES = (".go", "go.mod", "go.sum", "modules.txt")
MARK = "@@DEVLAB_GO_COVERAGE@@"
_MAX_EVENTS = 200_000
DRIVER = """cd "$(dirname "$0")/$DEVLAB_GO_ROOT" || exit 3
export GOCACHE=/tmp/gocache GOPATH=/tmp/go GOPROXY=off GOSUMDB=off CGO_ENABLED=0 \\
  GOTOOLCHAIN=local GOTELEMETRY=off GO111MODULE=on HOME=/tmp GOFLAGS=$DEVLAB_GOFLAGS
go test -json -p 1 -covermode=count -coverpkg=./... -coverprofile=/tmp/devlab-cover.out \\
  -timeout "$DEVLAB_GO_TIMEOUT" ./... > /tmp/devlab-test.json 2> /tmp/devlab-test.err
rc=$?
printf '\\n%s rc %s\\n' "@@MARK@@" "$rc"
printf '%s profile\\n' "@@MARK@@"; cat /tmp/devlab-cover.out 2>/dev/null
printf '%s events\\n' "@@MARK@@"; cat /tmp/devlab-test.json
printf '%s stderr\\n' "@@MARK@@"; tail -c 6000 /tmp/devlab-test.err
""".replace("@@MARK@@", MARK)


def _skipped(path: str) -> bool:
    parts = path.split("/")
    return "vendor" in parts or "testdata" in parts or any(p.startswith((".", "_")) for p in parts)


def go_module(files: dict[str, str]) -> tuple[str, str]:
    """(root directory, module path) of the project's main module: the shallowest
    ``go.mod`` ('' and ``sandbox`` when there is none)."""
    mods = sorted(
        (p for p in files if posixpath.basename(p) == "go.mod" and not _skipped(p)),
        key=lambda p: (p.count("/"), p),
    )
    if not mods:
        return "", _inferred_module(files)
    root = posixpath.dirname(mods[0])
    for line in files[mods[0]].splitlines():
        words = line.split()
        if len(words) >= 2 and words[0] == "module":
            return root, words[1].strip('"')
    return root, "sandbox"


def _imports(text: str) -> list[str]:
    """Import paths of a Go file (single and block form), and the package clause's
    import comment (``package x // import "path"``)."""
    out, block = [], False
    for raw in text.splitlines()[:400]:
        line = raw.strip()
        if line.startswith("package ") and '// import "' in line:
            out.append(line.split('// import "', 1)[1].split('"', 1)[0] + "/")
        elif block and line.startswith(")"):
            break
        elif line.startswith("import (") or block:
            block = True
            if '"' in line:
                out.append(line.split('"')[1])
        elif line.startswith("import ") and '"' in line:
            out.append(line.split('"')[1])
        elif line.startswith(("func ", "type ", "var ", "const ")):
            break
    return out


def _inferred_module(files: dict[str, str]) -> str:
    """The module path of a project without a go.mod (ingestion may not keep it): the
    import comment of a root package, or an import of one of the project's own
    directories (``x.io/m/english`` with a folder ``english`` -> ``x.io/m``)."""
    dirs = {posixpath.dirname(p) for p in files if p.endswith(".go") and "/" in p}
    for path in sorted(files):
        if not path.endswith(".go") or _skipped(path):
            continue
        for imported in _imports(files[path]):
            if imported.endswith("/") and "/" not in path:
                return imported.rstrip("/")
            for d in dirs:
                if imported.endswith("/" + d):
                    return imported[: -len(d) - 1]
    roots = [p for p in sorted(files) if p.endswith(".go") and "/" not in p]
    package = next((w[1] for w in (line.split() for line in files[roots[0]].splitlines())
                    if len(w) > 1 and w[0] == "package"), "") if roots else ""  # fmt: skip
    for path in sorted(p for p in files if p.endswith(".go") and "/" in p and not _skipped(p)):
        for imported in _imports(files[path]):  # a sub-package importing the root one,
            last = imported.rsplit("/", 1)[-1].removeprefix("go-").removesuffix("-go")
            if package and last.replace("-", "").replace(".", "") == package:  # by its name
                return imported
    return "sandbox"


def _in_root(path: str, root: str) -> bool:
    return not root or path.startswith(root + "/")


def go_sources(files: dict[str, str], root: str = "") -> list[str]:
    return sorted(
        p
        for p in files
        if p.endswith(".go")
        and not p.endswith("_test.go")
        and not _skipped(p)
        and _in_root(p, root)
    )


def go_tests(files: dict[str, str], root: str = "") -> list[str]:
    return sorted(
        p for p in files if p.endswith("_test.go") and not _skipped(p) and _in_root(p, root)
    )


def _requires(go_mod: str) -> list[str]:
    """``module version`` of each ``require`` in a go.mod (single and block form)."""
    out, block = [], False
    for raw in go_mod.splitlines():
        line = raw.split("//", 1)[0].strip()
        if block:
            if line == ")":
                block = False
            elif line:
                out.append(" ".join(line.split()[:2]))
        elif line.startswith("require"):
            rest = line[len("require") :].strip()
            if rest == "(":
                block = True
            elif rest:
                out.append(" ".join(rest.split()[:2]))
    return out


def parse_profile(text: str, module: str, root: str) -> dict[str, list[tuple[int, int, int]]]:
    """A cover profile as ``{project path: [(first line, last line, count)]}``; blocks
    repeated by several test binaries are merged (counts added)."""
    merged: dict[tuple[str, int, int], int] = {}
    prefix = module.rstrip("/") + "/"
    for line in text.splitlines():
        if line.startswith("mode:") or ":" not in line:
            continue
        name, _, rest = line.rpartition(":")
        fields = rest.split()
        if len(fields) != 3 or "," not in fields[0] or not name.startswith(prefix):
            continue
        start, _, end = fields[0].partition(",")
        try:
            key = (name[len(prefix) :], int(start.split(".")[0]), int(end.split(".")[0]))
            merged[key] = merged.get(key, 0) + int(fields[2])
        except ValueError:
            continue
    out: dict[str, list[tuple[int, int, int]]] = {}
    for (rel, first, last), count in merged.items():
        out.setdefault(posixpath.join(root, rel) if root else rel, []).append((first, last, count))
    return out


def _functions(text: str) -> list[tuple[str, int]]:
    """(name, first line) of each top-level ``func``; methods as ``Type.Name``."""
    out = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.startswith("func "):
            continue
        rest = line[5:].lstrip()
        receiver = ""
        if rest.startswith("("):
            inside, _, rest = rest[1:].partition(")")
            receiver = inside.split()[-1].lstrip("*").split("[")[0] if inside.split() else ""
            rest = rest.lstrip()
        name = ""
        for ch in rest:
            if not (ch.isalnum() or ch == "_"):
                break
            name += ch
        if name:
            out.append((f"{receiver}.{name}" if receiver else name, number))
    return out


def go_code_lines(text: str) -> int:
    """Code lines inside the file's function bodies: where Go's statements are (a file
    with only declarations has none, as Go's cover tool counts it)."""
    code, source = code_lines(text), text.splitlines()
    inside: set[int] = set()
    for _, start in _functions(text):
        inside |= set(range(start, block_end(source, start, start + 5000) + 1))
    return len(code & inside)


def _file(path: str, blocks: list[tuple[int, int, int]], text: str) -> FileCoverage:
    code = code_lines(text)
    lines: dict[int, int] = {}
    for first, last, count in blocks:
        for n in range(first, last + 1):
            if n in code:
                lines[n] = max(lines.get(n, 0), count)
    source = text.splitlines()
    functions = []
    for name, start in _functions(text):
        end = block_end(source, start, start + 5000)
        own = {n: c for n, c in lines.items() if start <= n <= end}
        functions.append(FunctionCoverage(
            name=name, start_line=start, summary=summary_of_lines(own, []),
            missing_lines=sorted(n for n, c in own.items() if c == 0),
        ))  # fmt: skip
    return FileCoverage(
        path=path,
        summary=summary_of_lines(lines, []),
        missing_lines=sorted(n for n, c in lines.items() if c == 0),
        functions=functions,
    )


def parse_go_events(text: str, module: str) -> list[TestOutcome]:
    """Each test's outcome from ``go test -json`` events; a test that started and never
    ended ran into the binary's timeout (or its package crashed)."""
    ended: dict[str, TestOutcome] = {}
    started: list[str] = []
    output: dict[str, list[str]] = {}
    timed_out: set[str] = set()
    for line in text.splitlines()[:_MAX_EVENTS]:
        try:
            event: dict[str, Any] = json.loads(line)
        except ValueError:
            continue
        if not isinstance(event, dict):
            continue
        package = str(event.get("Package", "")).removeprefix(module).lstrip("/") or "."
        action, test = event.get("Action"), event.get("Test")
        if not test:
            if action == "output" and "test timed out" in str(event.get("Output", "")):
                timed_out.add(package)
            continue
        name = f"{package}::{test}"
        if action == "run":
            started.append(name)
        elif action == "output":
            kept = output.setdefault(name, [])
            if sum(map(len, kept)) < 1500:
                kept.append(str(event.get("Output", "")))
        elif action in ("pass", "fail", "skip"):
            outcome = {"pass": "passed", "fail": "failed", "skip": "skipped"}[action]
            ended[name] = TestOutcome(
                name=name[:500], outcome=outcome,  # type: ignore[arg-type]
                seconds=float(event.get("Elapsed") or 0.0),
                message="".join(output.get(name, []))[:1500] if action == "fail" else "",
            )  # fmt: skip
    for name in started:
        if name not in ended:
            package = name.split("::", 1)[0]
            outcome = "timeout" if package in timed_out else "error"
            message = "".join(output.get(name, []))[:1500] or "the test binary stopped"
            ended[name] = TestOutcome(name=name[:500], outcome=outcome, message=message)  # type: ignore[arg-type]
    return [ended[n] for n in sorted(ended)]


def _sections(stdout: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for chunk in stdout.split(MARK + " ")[1:]:
        head, _, body = chunk.partition("\n")
        key = head.split(" ", 1)[0]
        out[key] = head[len(key) :].strip() if key == "rc" else body
    return out


def _dependency_message(files: dict[str, str], root: str, stderr: str) -> str:
    mod = files.get(posixpath.join(root, "go.mod") if root else "go.mod", "")
    offline = ("GOPROXY=off", "missing go.sum", "cannot find module", "no required module")
    if not any(word in stderr for word in offline):
        return ""
    needed = _requires(mod)
    names = "; ".join(f"{r}: not in the sandbox's module cache (no network)" for r in needed)
    return (
        names or "a required module is not available offline"
    ) + ". Vendor the dependencies (`go mod vendor`) and ingest the project again"


def run_go_suite(
    files: dict[str, str],
    settings: Settings,
    *,
    test_timeout: float = 10.0,
    wall_seconds: float | None = None,
    mounts: Sequence[DependencyMount] = (),
) -> JsRun:
    """Run the module's ``go test`` suite under coverage; ``JsRun`` holds the result.
    ``mounts``: the module cache of its requirements (``envcache.go_env``)."""
    wall = min(wall_seconds or settings.sandbox_max_wall_seconds, settings.sandbox_max_wall_seconds)
    root, module = go_module(files)
    tests = go_tests(files, root)
    run_files = dict(files)
    if not any(posixpath.basename(p) == "go.mod" for p in files):
        run_files["go.mod"] = f"module {module}\n\ngo 1.19\n"
    vendored = posixpath.join(root, "vendor/modules.txt") if root else "vendor/modules.txt"
    budget = min(wall * 0.85, max(test_timeout * max(1, len(tests)) * 3, 30.0))
    env = (
        f"DEVLAB_GO_ROOT={root or '.'} DEVLAB_GO_TIMEOUT={int(budget)}s "
        f"DEVLAB_GOFLAGS={'-mod=vendor' if vendored in files else '-mod=mod'}\n"
    )
    run_files["_devlab_go.sh"] = "export " + env + DRIVER
    limits = toolchain_limits(settings, wall)
    request = SandboxRequest(language="bash", files=run_files, entry="_devlab_go.sh", limits=limits)
    started = time.monotonic()
    result = run_code(request, settings, mounts=mounts)
    out = JsRun(status=result.status, seconds=round(time.monotonic() - started, 3))
    parts = _sections(result.stdout)
    if "rc" not in parts:
        out.error = (
            f"the sandbox run ended {result.status} before go test finished: "
            f"{(result.stderr or result.stdout)[-600:]}"
        )
        return out
    blocks = parse_profile(parts.get("profile", ""), module, root)
    out.files = [_file(p, blocks[p], files[p]) for p in sorted(blocks) if p in files]
    out.tests = parse_go_events(parts.get("events", ""), module)
    stderr = parts.get("stderr", "")
    deps = _dependency_message(files, root, stderr + parts.get("events", "")[-20000:])
    if deps:
        out.error = deps
    elif not out.files and not out.tests:
        out.error = f"go test reported nothing (exit {parts['rc']}): {stderr[-600:]}"
    elif "build failed" in parts.get("events", "") or "[build failed]" in stderr:
        out.error = f"some packages did not build: {stderr[-600:]}"
    return out
