"""The sandbox library: every language, test mode, limits, containment and records.

Toolchains are required, not optional: a missing one fails here (CI installs
them through scripts/setup.sh), it never skips.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from devlab.config import Settings, load_settings
from devlab.sandbox import (
    Limits,
    LimitTooHigh,
    SandboxBusy,
    SandboxRequest,
    SourceTooLarge,
    UnsupportedLanguage,
    doctor,
    run_code,
    supported_languages,
)
from devlab.sandbox.bwrap import BASE_ENV
from devlab.sandbox.gate import Gate
from devlab.sandbox.reports import parse_go_verbose, parse_junit, parse_tap
from devlab.store.db import Database
from devlab.store.models import Execution

pytestmark = [pytest.mark.sandbox]

ECHO = {
    "python": "import sys\nprint('hello', sys.stdin.read().strip())\n",
    "javascript": "const d = require('fs').readFileSync(0, 'utf8');\n"
    "console.log('hello', d.trim());\n",
    "typescript": "import * as fs from 'fs';\nconst d: string = fs.readFileSync(0, 'utf8');\n"
    "console.log('hello', d.trim());\n",
    "bash": "read line\necho hello $line\n",
    "go": 'package main\nimport ("bufio";"fmt";"os")\n'
    "func main(){ s := bufio.NewScanner(os.Stdin)\n"
    's.Scan(); fmt.Println("hello", s.Text()) }\n',
    "java": "import java.util.Scanner;\n"
    "public class Echo { public static void main(String[] a) {\n"
    '  System.out.println("hello " + new Scanner(System.in).nextLine()); } }\n',
}
FAIL_EXIT = {
    "python": "import sys; sys.exit(3)",
    "javascript": "process.exit(3)",
    "bash": "exit 3",
    "go": 'package main\nimport "os"\nfunc main(){ os.Exit(3) }\n',
    "java": "public class Main { public static void main(String[] a) { System.exit(3); } }",
}
COMPILE_ERRORS = {
    "go": ("package main\nfunc main() { x := 1 }\n", "declared"),
    "java": (
        'public class Main { public static void main(String[] a) { int x = "s"; } }',
        "incompatible types",
    ),
    "typescript": ('let x: number = "s";\n', "TS2322"),
}
TESTS = {
    "python": "def test_good():\n    assert 1 + 1 == 2\n\n"
    "def test_bad():\n    assert 1 == 2, 'nope'\n",
    "javascript": "const test = require('node:test'); const assert = require('node:assert');\n"
    "test('good', () => assert.equal(1, 1));\ntest('bad', () => assert.equal(1, 2));\n",
    "go": 'package main\nimport "testing"\nfunc TestGood(t *testing.T) {}\n'
    'func TestBad(t *testing.T) { t.Errorf("want 2, got 1") }\n',
    "java": "import org.junit.jupiter.api.Test;\n"
    "import static org.junit.jupiter.api.Assertions.*;\n"
    "public class CalcTest {\n  @Test void good() { assertEquals(1, 1); }\n"
    '  @Test void bad() { assertEquals(1, 2, "math"); }\n}\n',
}


@pytest.fixture(scope="module")
def cfg(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return load_settings(home=tmp_path_factory.mktemp("sandbox-home"))


def run(cfg: Settings, language: str, code: str, **kw) -> object:
    return run_code(SandboxRequest(language=language, code=code, **kw), cfg)


def test_supported_languages_are_the_eight_of_the_issue():
    assert set(supported_languages()) == {
        "python",
        "javascript",
        "typescript",
        "bash",
        "sqlite",
        "duckdb",
        "go",
        "java",
    }


def test_doctor_finds_every_toolchain_and_isolation_feature(cfg):
    report = doctor(cfg)
    missing = [f"{lang.language}: {lang.reason}" for lang in report.languages if not lang.available]
    assert not missing, missing
    assert report.ok, report.isolation
    assert {f.feature for f in report.isolation} >= {"bwrap", "seccomp", "cgroups", "pid namespace"}


@pytest.mark.parametrize("language", sorted(ECHO))
def test_hello_world_reads_stdin(cfg, language):
    result = run(cfg, language, ECHO[language], stdin="world\n")
    assert result.status == "ok", result.stderr
    assert result.stdout.strip() == "hello world"
    assert result.exit_code == 0 and result.toolchain and result.language == language


def test_sqlite_and_duckdb_run_sql(cfg):
    sql = "create table t(x int); insert into t values (20), (22); select sum(x) from t;"
    lite = run(cfg, "sqlite", sql)
    assert lite.status == "ok" and lite.stdout.strip() == "42", lite.stderr
    duck = run(cfg, "duckdb", sql)
    assert duck.status == "ok" and "42" in duck.stdout, duck.stderr
    bad = run(cfg, "sqlite", "select * from missing;")
    assert bad.status == "runtime_error" and "no such table" in bad.stderr


@pytest.mark.parametrize("language", sorted(FAIL_EXIT))
def test_non_zero_exit_is_a_runtime_error(cfg, language):
    result = run(cfg, language, FAIL_EXIT[language])
    assert result.status == "runtime_error" and result.exit_code == 3, result.stderr


@pytest.mark.parametrize("language", sorted(COMPILE_ERRORS))
def test_compile_error_has_a_readable_message(cfg, language):
    code, needle = COMPILE_ERRORS[language]
    result = run(cfg, language, code)
    assert result.status == "compile_error"
    assert needle in result.stderr


@pytest.mark.parametrize("language", sorted(TESTS))
def test_test_mode_reports_each_test(cfg, language):
    result = run(cfg, language, TESTS[language], mode="test")
    outcomes = {
        t.name.split("::")[-1].lower().removeprefix("test").strip("_"): t for t in result.tests
    }
    assert set(outcomes) == {"good", "bad"}, (result.stdout, result.stderr)
    assert outcomes["good"].outcome == "passed"
    assert outcomes["bad"].outcome == "failed" and outcomes["bad"].message


def test_compile_cache_skips_the_second_compile(cfg):
    code = 'package main\nimport "fmt"\nfunc main() { fmt.Println("cached") }\n'
    first = run(cfg, "go", code)
    second = run(cfg, "go", code)
    assert first.stdout == second.stdout == "cached\n"
    assert second.compile_cached is True


def test_multi_file_project_with_entry_and_args(cfg):
    files = {
        "app/main.py": "import sys\nfrom util import twice\nprint(twice(sys.argv[1]))\n",
        "app/util.py": "def twice(s):\n    return s * 2\n",
    }
    result = run_code(
        SandboxRequest(language="python", files=files, entry="app/main.py", args=["ab"]), cfg
    )
    assert result.stdout == "abab\n", result.stderr


@pytest.mark.slow
def test_limits_are_enforced_and_reported(cfg):
    slow = run(cfg, "python", "while True: pass", limits=Limits(wall_seconds=1))
    assert slow.status == "timeout" and slow.wall_ms < 3000
    hog = run(cfg, "python", "x = bytearray(400 * 2**20)", limits=Limits(memory_mb=128))
    assert hog.status == "memory_limit"
    loud = run(
        cfg, "python", "while True: print('y' * 1000)", limits=Limits(max_output_bytes=10_000)
    )
    assert loud.status == "output_limit" and loud.stdout_truncated
    assert len(loud.stdout) <= 10_000
    enforced = slow.enforcement
    assert {"wall", "memory", "processes", "cpu", "disk", "output"} <= set(enforced)
    assert "cgroup" in enforced["memory"]  # CI runs as root: cgroups must be used


def test_contained_no_shadow_no_network_no_home(cfg):
    code = (
        "import os, socket\n"
        "print(os.path.exists('/etc/shadow'), os.path.exists('/root'), os.getuid())\n"
        "s = socket.socket(); s.settimeout(1)\n"
        "try:\n    s.connect(('1.1.1.1', 80)); print('net')\n"
        "except OSError:\n    print('no net')\n"
        f"print(os.path.exists({str(cfg.home)!r}))\n"
    )
    result = run(cfg, "python", code)
    assert result.stdout.split("\n")[:3] == ["False False 65534", "no net", "False"]


def test_a_daemonised_child_does_not_survive(cfg):
    token = f"devlab-daemon-{os.getpid()}-{time.monotonic_ns()}"
    code = f"(setsid bash -c 'exec -a {token} sleep 300' &)\necho started\n"
    result = run(cfg, "bash", code)
    assert result.stdout == "started\n"
    time.sleep(0.2)
    alive = [
        p for p in Path("/proc").iterdir() if p.name.isdigit() and token.encode() in _cmdline(p)
    ]
    assert not alive


def _cmdline(proc: Path) -> bytes:
    try:
        return (proc / "cmdline").read_bytes()
    except OSError:
        return b""


def test_collect_files_returns_what_the_program_wrote(cfg):
    result = run(cfg, "bash", "echo hi > out.txt; mkdir -p d; echo x > d/y", collect_files=True)
    assert result.files == {"out.txt": "hi\n", "d/y": "x\n"}


def test_max_disk_mb_is_one_budget_for_work_tmp_and_shm(cfg):
    """/work, /tmp and /dev/shm share one tmpfs: the cap is a total, usable anywhere."""
    code = (
        "import os, tempfile\n"
        "block = b'x' * (1 << 20)\n"
        "def fill(path, mb):\n"
        "    n = 0\n"
        "    try:\n"
        "        with open(path, 'wb') as fh:\n"
        "            for _ in range(mb):\n"
        "                fh.write(block); fh.flush(); n += 1\n"
        "    except OSError:\n"
        "        pass\n"
        "    return n\n"
        "alone = fill('/dev/shm/big', 30)\n"  # the whole budget in one place
        "os.remove('/dev/shm/big')\n"
        "places = [os.path.join(d, 'f') for d in ('.', '/tmp', '/dev/shm')]\n"
        "total = sum(fill(path, 10) for path in places)\n"
        "for path in places:\n"
        "    os.remove(path)\n"
        "with tempfile.NamedTemporaryFile() as fh:\n"
        "    tmpdir = os.path.dirname(fh.name)\n"
        "print(alone, total, sorted(os.listdir('.')), os.getcwd(), tmpdir)\n"
    )
    result = run(
        cfg, "python", code, entry="main.py", limits=Limits(max_disk_mb=20, max_file_mb=30)
    )
    assert result.status == "ok", result.stderr
    alone, total, listing, cwd, tmpdir = result.stdout.split(maxsplit=4)
    assert 18 <= int(alone) <= 20, result.stdout
    assert 18 <= int(total) <= 20, result.stdout
    assert listing == "['main.py']" and cwd == "/work", result.stdout
    assert tmpdir.strip() == "/tmp"
    assert "shared by /work, /tmp and /dev/shm" in result.enforcement["disk"]


def test_bad_input_errors(cfg):
    with pytest.raises(UnsupportedLanguage, match="python"):
        run(cfg, "cobol", "x")
    with pytest.raises(LimitTooHigh, match="maximum"):
        run(cfg, "python", "x", limits=Limits(memory_mb=cfg.sandbox_max_memory_mb + 1))
    with pytest.raises(SourceTooLarge):
        run(cfg, "python", "#" * (cfg.sandbox_max_source_bytes + 1))
    assert UnsupportedLanguage.status_code == 400 and SourceTooLarge.status_code == 413


def test_records_keep_source_only_when_opted_in(tmp_path):
    cfg = load_settings(home=tmp_path / "home")
    db = Database(cfg)
    try:
        plain = run_code(SandboxRequest(language="python", code="print(1)"), cfg, db=db)
        kept = run_code(
            SandboxRequest(language="python", code="print(2)", store_source=True), cfg, db=db
        )
        with db.session() as s:
            rows = {r.id: r for r in s.scalars(select(Execution))}
        assert rows[plain.execution_id].source is None
        assert rows[kept.execution_id].source == "print(2)"
        row = rows[plain.execution_id]
        assert row.status == "ok" and row.language == "python" and len(row.source_hash) == 64
        assert row.limits["memory_mb"] == 512
    finally:
        db.close()


def test_gate_refuses_past_the_queue():
    gate = Gate(slots=1, queue=0)
    with gate.slot(), pytest.raises(SandboxBusy) as info, gate.slot():
        pass
    assert info.value.status_code == 429 and info.value.detail["retry_after"] >= 1


def test_report_parsers_are_lenient():
    assert parse_junit("<not xml") == []
    assert parse_junit('<!DOCTYPE x [<!ENTITY a "b">]><testsuite/>') == []
    tap = "TAP version 13\n# Subtest: s\n    ok 1 - inner\n    1..1\nok 1 - s\nnot ok 2 - t\n"
    assert [(t.name, t.outcome) for t in parse_tap(tap)] == [("inner", "passed"), ("t", "failed")]
    go = "=== RUN   TestA\n    a_test.go:3: boom\n--- FAIL: TestA (0.00s)\n"
    assert parse_go_verbose(go)[0].message == "a_test.go:3: boom"


@pytest.mark.slow
def test_pooled_cgroups_come_back_empty_after_many_runs(cfg):
    """Regression: bwrap's sandbox pid 1 is left a zombie charged to the run's pids
    group (reparented to host init); a reused group then started the next run with
    pids.current raised until every run failed with "Can't fork for pid 1"."""
    from devlab.sandbox.cgroups import cgroup_pool

    pool = cgroup_pool()
    if not pool.available:
        pytest.skip(f"no writable cgroups here: {pool.reason}")
    failures = []
    for i in range(40):
        result = run(cfg, "bash", "echo ok\n", limits=Limits(wall_seconds=5, max_processes=8))
        if result.status != "ok" or result.stdout != "ok\n":
            failures.append((i, result.status, result.stderr.strip()[:120]))
    assert not failures, f"{len(failures)} of 40 runs failed, first: {failures[:3]}"
    with pool._lock:
        free, retired, kept = list(pool._free), list(pool._retired), list(pool._all)
    for group in free:  # whatever the pool would hand out next is really empty
        assert group.pids() == [] and group.pids_current() in (0, None), group.dirs
    assert not retired, "dirty groups should be removed, not piled up"
    assert len(kept) <= 4, f"{len(kept)} groups kept for a sequential workload"


def test_a_group_charged_with_a_zombie_is_retired_not_reused():
    import subprocess

    from devlab.sandbox.cgroups import cgroup_pool

    pool = cgroup_pool()
    if not pool.available or "pids" not in pool.roots:
        pytest.skip(f"no writable pids cgroup here: {pool.reason}")
    group = pool.acquire()
    procs = group.dirs["pids"] / "cgroup.procs"
    # A child that joins the group and exits; not waited for, it stays a zombie there.
    child = subprocess.Popen(["/bin/sh", "-c", f"echo $$ > {procs}"])
    try:
        deadline = time.monotonic() + 5
        while group.pids() or group.pids_current() != 1:
            assert time.monotonic() < deadline, (group.pids(), group.pids_current())
            time.sleep(0.01)
        assert not group.reusable()
        pool.release(group)
        assert group not in pool._free
        # Some kernels let rmdir remove a group holding only a zombie; others keep the
        # group populated until the zombie is reaped. Either way it is never reused:
        # removed now, or retired and removed by the first acquire after the reaping.
        if group.dirs["pids"].exists():
            with pool._lock:
                assert group in pool._retired, "a zombie-charged group must be retired"
        child.wait()
        fresh = pool.acquire()
        assert fresh is not group and fresh.pids_current() == 0
        assert not group.dirs["pids"].exists(), "a retired group should be removed"
        with pool._lock:
            assert group not in pool._retired
        pool.release(fresh)
    finally:
        child.wait()


def test_machinery_failure_is_an_internal_error_not_a_runtime_error(cfg):
    # One process allowed: bwrap itself cannot fork the sandbox's pid 1.
    broken = run(cfg, "bash", "echo ok\n", limits=Limits(max_processes=1))
    assert broken.status == "internal_error", (broken.status, broken.stderr)
    assert broken.exit_code is None and "bwrap" in broken.stderr
    # A program that merely imitates bwrap's message is still the program's failure.
    fake = run(cfg, "bash", "echo 'bwrap: Cannot fork' >&2; exit 1\n")
    assert fake.status == "runtime_error" and fake.exit_code == 1


def test_sandbox_pid_1_environment_has_nothing_of_the_host(cfg):
    # pid 1 is the program itself (bwrap --as-pid-1): its environment is the
    # sandbox's own, nothing inherited from the host or from bwrap's parent.
    result = run(cfg, "bash", "tr '\\0' '\\n' < /proc/1/environ\necho pid=$$\n")
    assert result.status == "ok", result.stderr
    assert "pid=1" in result.stdout
    env = dict(line.split("=", 1) for line in result.stdout.splitlines() if "=" in line)
    assert env.get("PWD", "/work") == "/work", env
    assert os.getcwd() not in result.stdout or os.getcwd() in ("/", "/work")
    assert set(env) <= set(BASE_ENV) | {"PWD", "SHLVL", "_", "pid"}, env
