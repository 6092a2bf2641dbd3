"""Test generation for a Go file (framework ``go test``): boundary calls from the
signatures, observed once in the sandbox, written as characterisation tests, each run
three times alone under coverage, kept only when it passes every time, covers the same
blocks every time and adds blocks nothing kept before it reached (Python's rules).

Three sandboxed runs: the probe (the project's tests of the package for the coverage
before, then every boundary call with its results printed as ``%#v``, panics caught),
the verification (one test binary built with ``-cover``, each candidate run alone
three times with its own profile), the proof (the package's whole suite with the kept
tests, ``go test -cover``). A runtime panic (nil map, index out of range, division by
zero) on a boundary call is a suspected bug, not a test; an explicit ``panic(...)``
becomes a test that expects it. Values printed with an address (``0xc000...``) are
not asserted, only that the call returns. When a model is given and the target is not
reached, ``gomodel.go_model_candidates`` asks it for tests of the functions still
short, verified the same way (strategy ``model``).
"""

from __future__ import annotations

import difflib
import json
import posixpath
import time

from devlab.config import Settings
from devlab.errors import NotFound
from devlab.progress import ProgressFn, report
from devlab.sandbox import SandboxRequest, run_code
from devlab.testing.errors import NothingToTest
from devlab.testing.gomodel import ModelFn, go_model_candidates, unused_imports, used_imports
from devlab.testing.gomutate import run_go_mutants
from devlab.testing.gorun import go_module, run_go_suite
from devlab.testing.gosig import GoCall, go_calls, go_functions, go_package, go_quote, struct_types
from devlab.testing.jsrun import code_lines
from devlab.testing.keeprule import RUNS, Run, judge_runs
from devlab.testing.killkeep import keep_mutant_killers, mutant_tries
from devlab.testing.models import (
    CandidateResult,
    CoverageSummary,
    GenerateResult,
    MutantKeepReport,
    SuspectedBug,
)
from devlab.testing.project import ProjectFiles
from devlab.testing.sandboxrun import toolchain_limits

__all__ = ["generate_go_tests"]

MARK = "@@DEVLAB_GOGEN@@"
_RUNS = RUNS
_ENV = (
    "export GOCACHE=/tmp/gocache GOPATH=/tmp/go GOPROXY=off GOSUMDB=off CGO_ENABLED=0 "
    "GOTOOLCHAIN=local GOTELEMETRY=off GO111MODULE=on HOME=/tmp GOFLAGS=-mod=mod\n"
)
_PROBE_HELPERS = """
func devlabCall(i int, f func() []interface{}) {
	defer func() {
		if r := recover(); r != nil {
			_, rt := r.(runtime.Error)
			fmt.Printf("@@P %d %t %s\\n", i, rt, strconv.Quote(fmt.Sprint(r)))
		}
	}()
	vals := f()
	out := make([]string, len(vals))
	for k, v := range vals {
		if e, ok := v.(error); ok {
			out[k] = "error:" + e.Error()
		} else if v == nil {
			out[k] = "nil"
		} else {
			out[k] = fmt.Sprintf("%#v", v)
		}
	}
	b, _ := json.Marshal(out)
	fmt.Printf("@@R %d %s\\n", i, b)
}
"""
# A build or run step of the shell driver: its output comes back after a marked line.
_STEP = 'printf "\\n%s %s\\n" "@@MARK@@" "$1"'.replace("@@MARK@@", MARK)


def _sandbox(files: dict[str, str], script: str, settings: Settings, wall: float) -> dict[str, str]:
    limits = toolchain_limits(settings, wall)
    body = _ENV + f"section() {{ {_STEP}; }}\n" + script
    request = SandboxRequest(
        language="bash", files={**files, "_devlab_gogen.sh": body}, entry="_devlab_gogen.sh",
        limits=limits,
    )  # fmt: skip
    result = run_code(request, settings)
    out: dict[str, str] = {"_status": result.status, "_stderr": result.stderr[-2000:]}
    for chunk in result.stdout.split("\n" + MARK + " ")[1:]:
        head, _, body_out = chunk.partition("\n")
        out[head.strip()] = body_out
    return out


def _tests_in(files: dict[str, str], directory: str) -> list[str]:
    names = []
    for path, text in files.items():
        if posixpath.dirname(path) != directory or not path.endswith("_test.go"):
            continue
        for line in text.splitlines():
            if line.startswith("func Test") and "*testing.T" in line:
                names.append(line[5:].split("(", 1)[0])
    return names


class _Go:
    """One generation: the package, its import path and the shell steps."""

    def __init__(self, pf: ProjectFiles, settings: Settings, path: str):
        self.pf, self.settings, self.path = pf, settings, path
        self.dir = posixpath.dirname(path)
        root, module = go_module(pf.files)
        rel = posixpath.relpath(self.dir or ".", root or ".")
        self.module, self.root = module, root
        self.cover_name = f"{module}/{'' if rel == '.' else rel + '/'}{posixpath.basename(path)}"
        self.package = go_package(pf.files[path])
        self.files = dict(pf.files)
        if not any(posixpath.basename(p) == "go.mod" for p in pf.files):
            self.files["go.mod"] = f"module {module}\n\ngo 1.19\n"
        self.cd = f'cd "$(dirname "$0")/{self.dir or "."}" || exit 3\n'

    def blocks(self, profile: str) -> dict[tuple[str, str], int]:
        """``{(start, end): count}`` of the target file's blocks in a profile."""
        out: dict[tuple[str, str], int] = {}
        for line in profile.splitlines():
            name, _, rest = line.rpartition(":")
            fields = rest.split()
            if name == self.cover_name and len(fields) == 3 and "," in fields[0]:
                start, _, end = fields[0].partition(",")
                out[(start, end)] = out.get((start, end), 0) + int(fields[2] or 0)
        return out

    def lines(self, blocks: set[tuple[str, str]]) -> set[int]:
        code = code_lines(self.pf.files[self.path])
        return {
            n
            for start, end in blocks
            for n in range(int(start.split(".")[0]), int(end.split(".")[0]) + 1)
            if n in code
        }

    def summary(self, all_blocks: dict[tuple[str, str], int], covered: set) -> CoverageSummary:
        total = self.lines(set(all_blocks))
        hit = self.lines(covered) & total
        pct = round(100.0 * len(hit) / len(total), 2) if total else 100.0
        return CoverageSummary(lines=len(total), lines_covered=len(hit), line_percent=pct,
                               branch_percent=100.0)  # fmt: skip


def _probe_file(go: _Go, calls: list[GoCall]) -> str:
    body = []
    for i, call in enumerate(calls):
        names = [f"r{k}" for k in range(len(call.func.results))]
        if names:
            ret = ", ".join(names)
            body.append(
                f"\tdevlabCall({i}, func() []interface{{}} {{ {ret} := {call.expr}; "
                f"return []interface{{}}{{{ret}}} }})"
            )
        else:
            body.append(f"\tdevlabCall({i}, func() []interface{{}} {{ {call.expr}; return nil }})")
    return (
        f'package {go.package}\n\nimport (\n\t"encoding/json"\n\t"fmt"\n\t"runtime"\n'
        f'\t"strconv"\n\t"testing"\n)\n{_PROBE_HELPERS}\nfunc TestDevlabProbe(t *testing.T) {{\n'
        + "\n".join(body)
        + "\n}\n"
    )


def _observations(out: str) -> dict[int, tuple[str, object]]:
    seen: dict[int, tuple[str, object]] = {}
    for line in out.splitlines():
        kind, _, rest = line.partition(" ")
        number, _, payload = rest.partition(" ")
        if kind not in ("@@R", "@@P") or not number.isdigit():
            continue
        try:
            if kind == "@@R":
                seen[int(number)] = ("ok", json.loads(payload))
            else:
                runtime_error, _, text = payload.partition(" ")
                seen[int(number)] = ("panic", (runtime_error == "true", json.loads(text)))
        except ValueError:
            continue
    return seen


_NO_ERROR = '\tif {v} != nil {{\n\t\tt.Fatalf("%s: unexpected error %v", {label}, {v})\n\t}}'
_ERROR = (
    "\tif {v} == nil || {v}.Error() != {text} {{\n"
    '\t\tt.Fatalf("%s: error %v, want %s", {label}, {v}, {text})\n\t}}'
)
_VALUE = (
    '\tif got := fmt.Sprintf("%#v", {v}); got != {want} {{\n'
    '\t\tt.Errorf("%s = %s, want %s", {label}, got, {want})\n\t}}'
)
_PANICS = (
    "func {name}(t *testing.T) {{\n\tdefer func() {{\n\t\tif recover() == nil {{\n"
    '\t\t\tt.Fatalf("%s did not panic", {label})\n\t\t}}\n\t}}()\n\t{expr}\n}}\n'
)


def _test_code(name: str, call: GoCall, observed: tuple[str, object]) -> str:
    """A characterisation test of ``call``: its observed results, error or panic."""
    kind, value = observed
    label = go_quote(call.expr)
    if kind == "panic":
        return _PANICS.format(name=name, label=label, expr=call.expr)
    results = list(value) if isinstance(value, list) else []
    names = [f"r{k}" for k in range(len(results))]
    lines = [f"func {name}(t *testing.T) {{"]
    lines.append(f"\t{', '.join(names)} := {call.expr}" if names else f"\t{call.expr}")
    for var, shown, kind_ in zip(names, results, call.func.results, strict=False):
        if kind_ == "error" and shown == "nil":
            lines.append(_NO_ERROR.format(v=var, label=label))
        elif kind_ == "error":
            text = go_quote(str(shown).removeprefix("error:"))
            lines.append(_ERROR.format(v=var, label=label, text=text))
        elif "0x" in str(shown):
            lines.append(f"\t_ = {var} // printed with an address: not compared")
        else:
            lines.append(_VALUE.format(v=var, label=label, want=go_quote(str(shown))))
    return "\n".join(lines) + "\n}\n"


def _file(go: _Go, tests: list[str], imports: list[str] | None = None) -> str:
    extra = [i for i in used_imports(imports or [], tests) if i not in ('"fmt"', '"testing"')]
    specs = "".join(f"\t{i}\n" for i in ['"fmt"', '"testing"', *extra])
    return (
        f"package {go.package}\n\n// Tests generated by DevLab and verified in its sandbox.\n\n"
        f"import (\n{specs})\n\nvar _ = fmt.Sprintf\n\n" + "\n".join(tests)
    )


def _probe(go: _Go, calls: list[GoCall], wall: float) -> dict[str, str]:
    existing = _tests_in(go.pf.files, go.dir)
    base = (
        f"section base; ./devlab.test -test.run '^({'|'.join(existing)})$' "
        "-test.coverprofile=/tmp/base.out > /dev/null 2>&1; cat /tmp/base.out\n"
        if existing
        else "section base; ./devlab.test -test.run '^$' -test.coverprofile=/tmp/base.out "
        ">/dev/null 2>&1; cat /tmp/base.out\n"
    )
    script = (
        go.cd + "go test -c -cover -covermode=count -coverpkg=. -o devlab.test . > /tmp/b 2>&1\n"
        "rc=$?; section build; cat /tmp/b; [ $rc -eq 0 ] || exit 0\n" + base
        + "section probe; ./devlab.test -test.run '^TestDevlabProbe$' -test.timeout 60s 2>&1 "
        "| tail -c 4000000\n"
    )  # fmt: skip
    probe_path = posixpath.join(go.dir, "devlab_probe_test.go")
    return _sandbox({**go.files, probe_path: _probe_file(go, calls)}, script, go.settings, wall)


def _bad_lines(build: str, probe_name: str) -> set[int]:
    out = set()
    for line in build.splitlines():
        at = line.find(probe_name + ":")
        if at >= 0:
            number = line[at + len(probe_name) + 1 :].split(":", 1)[0]
            if number.isdigit():
                out.add(int(number))
    return out


def _observe(go: _Go, calls: list[GoCall], wall: float, message: list[str]) -> tuple[dict, dict]:
    """Probe (dropping calls that do not compile, twice at most): observations, base."""
    for _ in range(3):
        out = _probe(go, calls, wall)
        if "base" in out:
            return _observations(out.get("probe", "")), go.blocks(out.get("base", ""))
        bad = _bad_lines(out.get("build", ""), "devlab_probe_test.go")
        text = _probe_file(go, calls).splitlines()
        at = {n: int(line[12:].split(",", 1)[0]) for n, line in enumerate(text, 1)
              if line.startswith("\tdevlabCall(")}  # fmt: skip
        drop = {at[n] for n in bad if n in at}
        if not drop or len(drop) == len(calls):
            message.append(f"the package did not build: {out.get('build', out['_stderr'])[-600:]}")
            return {}, {}
        calls[:] = [c for i, c in enumerate(calls) if i not in drop]
    return {}, {}


def generate_go_tests(
    pf: ProjectFiles,
    settings: Settings,
    *,
    path: str,
    symbol: str | None = None,
    target_coverage: float = 95.0,
    progress: ProgressFn | None = None,
    wall_seconds: float = 240.0,
    model: ModelFn | None = None,
) -> GenerateResult:
    """Generate verified ``go test`` tests for ``path`` in ``pf`` (see the module doc)."""
    started, message = time.monotonic(), list[str]()
    if path not in pf.files:
        raise NotFound(f"{path!r} is not a file of project {pf.name!r}")
    if not path.endswith(".go") or path.endswith("_test.go"):
        raise NothingToTest(f"{path!r} is not a Go source file; go test generation tests .go files")
    go = _Go(pf, settings, path)
    funcs, skipped = go_functions(pf.files[path])
    calls, more = go_calls(funcs, struct_types(pf.files, go.dir), symbol)
    skipped += more
    if symbol and not any(c.func.label == symbol or c.func.name == symbol for c in calls):
        raise NothingToTest(f"no function {symbol!r} with parameters the lab can build in {path}")
    wall = min(wall_seconds, settings.sandbox_max_wall_seconds)
    report(progress, "probe", 0, 3, f"{len(calls)} boundary calls")
    observed, base = _observe(go, calls, wall, message)
    bugs, cands, kinds = [], [], set()
    for i, call in enumerate(calls):
        seen = observed.get(i)
        if seen is None:
            continue
        if seen[0] == "panic" and seen[1][0]:  # type: ignore[index]
            text = str(seen[1][1])  # type: ignore[index]
            kind = (call.func.label, text.split("[", 1)[0])  # one report per kind of crash
            if kind not in kinds:
                kinds.add(kind)
                bugs.append(SuspectedBug(target=call.func.label, call=call.expr,
                                         exception="runtime error", message=text))  # fmt: skip
            continue
        name = f"TestDevlab_{call.func.label.replace('.', '_')}_{i}"
        cands.append((name, call.func.label, _test_code(name, call, seen), "boundary"))
    report(progress, "verify", 1, 4, f"{len(cands)} candidates, {_RUNS} runs each")
    covered = {k for k, c in base.items() if c > 0}
    kept, dropped = _verify(go, cands, covered, wall)
    imports: list[str] = []
    total = go.lines(set(base))
    missing = total - go.lines(covered)
    if model is not None and total and 100.0 * (1 - len(missing) / len(total)) < target_coverage:
        report(progress, "model", 2, 4, "asking the language model for the rest")
        asked = [f for f in funcs if not symbol or symbol in (f.name, f.label)]
        proposed, imports = go_model_candidates(
            model, asked, missing, source=pf.files[path], files=pf.files, path=path,
            package=go.package, directory=go.dir,
        )  # fmt: skip
        cands = [(name, label, code, "model") for name, label, code in proposed]
        more_kept, more_dropped = _verify(go, cands, covered, wall, imports)
        kept, dropped = kept + more_kept, dropped + more_dropped
    tries = mutant_tries(settings, kept, dropped)
    keep: MutantKeepReport | None = None
    if tries:
        report(progress, "mutants", 3, 4, "mutants the kept tests let survive")
        keep = MutantKeepReport(budget_seconds=settings.testing_mutant_keep_seconds)
        kept, dropped = _mutant_killers(go, kept, dropped, tries, message, symbol, imports, keep)
    report(progress, "prove", 3, 4, f"{len(kept)} tests kept")
    result = _finish(go, kept, dropped, bugs, base, target_coverage, message, wall, imports)
    result.mutant_keep = keep
    if skipped:
        result.message += ("; " if result.message else "") + "left out: " + "; ".join(skipped[:8])
    result.seconds = round(time.monotonic() - started, 2)
    return result


def _mutant_killers(
    go: _Go, kept: list, dropped: list[CandidateResult],
    tries: dict[str, CandidateResult], message: list[str],
    symbol: str | None, imports: list[str], keep: MutantKeepReport,
) -> tuple[list, list[CandidateResult]]:  # fmt: skip
    """Keep the no-coverage candidates that kill a mutant the kept tests let survive
    (``killkeep``): only the tries run (``go test -run``), failures read from ``-v``."""
    stem = posixpath.join(go.dir, posixpath.basename(go.path).removesuffix(".go"))

    def run_tries(files: dict[str, str], mutants: list, failing: dict) -> None:
        run_go_mutants(files, go.settings, path=go.path, mutants=mutants, only=sorted(tries),
                       failing=failing)  # fmt: skip

    won, note = keep_mutant_killers(
        go.pf, go.settings, path=go.path, symbol=symbol, tries=tries,
        kept_file=(f"{stem}_devlab_kept_test.go", _file(go, [c for _, c, _ in kept], imports)),
        tries_file=(f"{stem}_devlab_tries_test.go",
                    _file(go, [d.code for d in tries.values()], imports)),
        run_tries=run_tries, timeout=30.0, targets_only=True,
        report=keep,
    )  # fmt: skip
    message.append(note)
    kept = kept + [(r.name, r.code, r) for r in won]
    return kept, [d for d in dropped if not d.kept]


def _build_fixes(build: str, cands: list, test_file: str) -> tuple[set, set]:
    """(candidate names on the lines the compiler refused, unused import paths)."""
    spans = {}
    for name, _label, code, _strategy in cands:
        at = test_file.find(code)
        first = test_file.count("\n", 0, at) + 1
        spans[name] = (first, first + code.count("\n"))
    bad = set()
    for row in build.splitlines():
        at = row.find("devlab_candidates_test.go:")
        number = row[at + 26 :].split(":", 1)[0] if at >= 0 else ""
        if number.isdigit():
            bad |= {n for n, (a, b) in spans.items() if a <= int(number) <= b}
    return bad, unused_imports(build)


def _verify(
    go: _Go, cands: list, covered: set, wall: float, imports: list[str] | None = None
) -> tuple[list, list[CandidateResult]]:
    """Run each candidate alone three times with its own profile; keep by the rules
    (``covered`` grows with what the kept ones add). A build the compiler refuses loses
    the candidates on the refused lines and unused imports, and is tried again."""
    imports, refused = list(imports or []), list[CandidateResult]()
    out: dict[str, str] = {}
    for _ in range(3):
        if not cands:
            return [], refused
        test_path = posixpath.join(go.dir, "devlab_candidates_test.go")
        test_file = _file(go, [c for _, _, c, _ in cands], imports)
        names = " ".join(n for n, _, _, _ in cands)
        script = (
            go.cd
            + "go test -c -cover -covermode=count -coverpkg=. -o devlab.test . > /tmp/b 2>&1\n"
            "rc=$?; section build; cat /tmp/b; [ $rc -eq 0 ] || exit 0\n"
            f"for n in {names}; do for i in 1 2 3; do\n"
            '  ./devlab.test -test.run "^$n\\$" -test.coverprofile=/tmp/c.out -test.timeout 10s '
            '> /tmp/o 2>&1; rc=$?\n  section "case $n $i $rc"; tail -c 1500 /tmp/o; '
            f"echo {MARK}-profile; cat /tmp/c.out\ndone; done\n"
        )
        out = _sandbox({**go.files, test_path: test_file}, script, go.settings, wall)
        if any(k.startswith("case ") for k in out) or "build" not in out:
            break
        bad, unused = _build_fixes(out["build"], cands, test_file)
        imports = [i for i in imports if i.split()[-1].strip('"') not in unused]
        for name, label, code, strategy in cands:
            if name in bad:
                refused.append(CandidateResult(
                    name=name, strategy=strategy, target=label, kept=False, code=code,
                    reason=f"did not compile: {out['build'][-300:]}",
                ))  # fmt: skip
        if not bad and not unused:
            break
        cands = [c for c in cands if c[0] not in bad]
    kept, dropped = _judge(go, cands, covered, out)
    return kept, refused + dropped


def _judge(go: _Go, cands: list, covered: set, out: dict[str, str]) -> tuple[list, list]:
    """Each candidate's three runs (exit status, output, covered blocks) by the shared
    keep rule (``keeprule.judge_runs``); the kept ones as ``(name, code, result)``."""
    runs: dict[str, list[Run]] = {}
    if any(k.startswith("case ") for k in out):
        for name, _label, _code, _strategy in cands:
            for i in range(1, _RUNS + 1):
                key = next((k for k in out if k.startswith(f"case {name} {i} ")), "")
                text, _, profile = out.get(key, "").partition(MARK + "-profile")
                blocks = frozenset(k for k, c in go.blocks(profile).items() if c > 0)
                runs.setdefault(name, []).append(Run(key.endswith(" 0"), text[-300:], blocks))
    why = f"the candidates did not build: {out.get('build', out.get('_stderr', ''))[-300:]}"

    def describe(new: set) -> tuple[int, int, str]:
        lines = len(go.lines(new) - go.lines(covered))
        return lines, 0, f"adds {len(new)} statement blocks"

    judged, dropped = judge_runs(cands, runs, covered, describe, not_run=why)
    return [(c[0], c[2], res) for c, res in judged], dropped


def _finish(
    go: _Go, kept: list, dropped: list[CandidateResult], bugs: list[SuspectedBug], base: dict,
    target: float, message: list[str], wall: float, imports: list[str],
) -> GenerateResult:  # fmt: skip
    stem = posixpath.basename(go.path).removesuffix(".go")
    test_path = posixpath.join(go.dir, f"{stem}_generated_test.go")
    code = _file(go, [c for _, c, _ in kept], imports) if kept else ""
    before = go.summary(base, {k for k, c in base.items() if c > 0})
    after, proof = before, {}
    if kept:
        run = run_go_suite({**go.pf.files, test_path: code}, go.settings, wall_seconds=wall)
        mine = next((f for f in run.files if f.path == go.path), None)
        after = mine.summary if mine else before
        ours = [t for t in run.tests if "::TestDevlab_" in t.name]
        proof = {
            "sandbox_status": run.status, "tests": len(run.tests),
            "failing_generated": [t.name for t in ours if t.outcome != "passed"],
            "seconds": run.seconds, "error": run.error,
        }  # fmt: skip
    else:
        message.append("no candidate passed 3 runs and added coverage")
    diff = "".join(difflib.unified_diff([], code.splitlines(keepends=True), "/dev/null",
                                        f"b/{test_path}")) if code else ""  # fmt: skip
    return GenerateResult(
        project=go.pf.name, path=go.path, framework="go test", test_path=test_path, diff=diff,
        test_code=code, kept=[r for _, _, r in kept], dropped=dropped, suspected_bugs=bugs,
        before=before, after=after, target_reached=after.line_percent >= target,
        strategies={s: sum(r.strategy == s for _, _, r in kept)
                    for s in sorted({r.strategy for _, _, r in kept})}, proof=proof,
        message="; ".join(message),
    )  # fmt: skip
