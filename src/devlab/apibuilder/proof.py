"""Prove a generated SDK in the sandbox: type-check / compile it, start a mock server
of the same spec inside the same sandbox, and run the SDK's smoke test against it.

One bubblewrap run per SDK (the sandbox's ``bash`` runner, loopback-only network):
``mypy --strict`` for Python (Debian's mypy, python3-httpx, python3-requests),
``tsc --strict`` for TypeScript (the global typescript, @types/node and axios of
scripts/setup.sh), ``javac`` for Java against Debian's OkHttp 3 and Jackson jars.
A spec whose SDK does not compile is a DevLab bug: the compiler output comes back.
"""

from __future__ import annotations

import json

from devlab.apibuilder.mock import MOCK_SOURCE, route_table
from devlab.apibuilder.models import ApiModel, GeneratedSdk, SdkProof, SmokeResult
from devlab.apibuilder.sdk.python import package_name
from devlab.config import Settings

JAVA_JARS = ["okhttp", "okio", "jackson-databind", "jackson-core", "jackson-annotations"]
NODE_GLOBAL = "/usr/lib/node_modules"
PORT = 8765
MAX_SDK_BYTES = 16_000_000  # an SDK of several thousand operations is a few MB

_PRELUDE = """set -u
export HOME=/tmp
start_mock() {
  /usr/bin/python3 "$MOCK" routes.json "$PORT" > mock.log 2>&1 &
  MOCK_PID=$!
  for i in $(seq 1 100); do
    (exec 3<>/dev/tcp/127.0.0.1/$PORT) 2>/dev/null && return 0
    sleep 0.1
  done
  echo "mock server did not start:"; cat mock.log; exit 3
}
"""

_CHECKERS = {
    "python": "mypy --strict",
    "typescript": "tsc --strict",
    "java": "javac",
    "go": "go vet + go build",
}
# Go without network or module downloads, caches inside the sandbox's /tmp
_GO_ENV = (
    "export GOPATH=/tmp/gopath GOCACHE=/tmp/gocache GOPROXY=off GOFLAGS=-mod=mod "
    "CGO_ENABLED=0 GO111MODULE=on GOTELEMETRY=off && "
)


def _script(sdk: GeneratedSdk, title: str, port: int = PORT, mock: str = "mockserver.py") -> str:
    url = f"http://127.0.0.1:{port}"
    if sdk.language == "python":
        pkg = package_name(title)
        compile_cmd = (
            f"/usr/bin/python3 -m mypy --strict --config-file pyproject.toml "
            f"--cache-dir /tmp/mypy {pkg}"
        )
        run_cmd = f"/usr/bin/python3 smoke_test.py {url}"
    elif sdk.language == "typescript":
        compile_cmd = (
            f"mkdir -p node_modules && ln -s {NODE_GLOBAL}/@types node_modules/@types"
            f" && ln -s {NODE_GLOBAL}/axios node_modules/axios"
            f" && node {NODE_GLOBAL}/typescript/lib/tsc.js -p . --pretty false"
        )
        run_cmd = f"node dist/smoke.js {url}"
    elif sdk.language == "go":
        compile_cmd = f"{{ {_GO_ENV}go vet ./... && go build -o smoke.bin ./smoke; }}"
        run_cmd = f"./smoke.bin {url}"
    else:
        cp = ":".join(f"/usr/share/java/{j}.jar" for j in JAVA_JARS)
        compile_cmd = (
            "javac -J-XX:+UseSerialGC -J-XX:TieredStopAtLevel=1 -J-Xmx768m "
            f"-proc:none -encoding UTF-8 -nowarn -d .classes -cp {cp} "
            "$(find src -name '*.java')"
        )
        run_cmd = (
            f"java -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xmx256m "
            f"-cp .classes:{cp} sdk.Smoke {url}"
        )
    return (
        f"MOCK={mock}\nPORT={port}\n"
        + _PRELUDE
        + f"if {compile_cmd} > compile.log 2>&1; then echo COMPILE_OK; "
        "else echo COMPILE_FAILED; head -c 20000 compile.log; exit 2; fi\n"
        f"start_mock\n{run_cmd}\nrc=$?\nkill $MOCK_PID 2>/dev/null\nexit $rc\n"
    )


def _parse(output: str, sdk: GeneratedSdk, status: str, wall_ms: float) -> SdkProof:
    checker = _CHECKERS[sdk.language]
    compiled = "COMPILE_OK" in output
    proof = SdkProof(checker=checker, compiled=compiled, status=status, wall_ms=wall_ms)
    if not compiled:
        proof.compile_output = output.split("COMPILE_FAILED", 1)[-1].strip()[:20000]
        if "COMPILE_FAILED" not in output:
            proof.error = f"the check did not finish ({status}): {output[-2000:]}"
        return proof
    for line in output.splitlines():
        if line.startswith("SMOKE "):
            try:
                proof.smoke = SmokeResult.model_validate(json.loads(line[6:]))
            except ValueError:
                proof.error = f"unreadable smoke-test summary: {line[:300]}"
    if proof.smoke is None and not proof.error:
        proof.error = f"the smoke test did not report ({status}): {output[-2000:]}"
    return proof


def prove_sdk(sdk: GeneratedSdk, model: ApiModel, settings: Settings) -> SdkProof:
    """Compile and smoke-test ``sdk`` in the sandbox (see the module doc)."""
    from devlab.sandbox import Limits, SandboxRequest, run_code

    files = dict(sdk.files)
    files["routes.json"] = json.dumps(route_table(model))
    files["mockserver.py"] = MOCK_SOURCE.read_text(encoding="utf-8")
    files["prove.sh"] = _script(sdk, model.title)
    size = sum(len(k.encode()) + len(v.encode()) for k, v in files.items())  # as counted
    if size > MAX_SDK_BYTES:
        return SdkProof(
            checker=_CHECKERS[sdk.language],
            compiled=False,
            error=f"the SDK is {size} bytes; proofs stop at {MAX_SDK_BYTES}",
        )
    cfg = settings.model_copy(
        update={"sandbox_max_source_bytes": max(settings.sandbox_max_source_bytes, size + 1000)}
    )
    limits = Limits(
        wall_seconds=min(120.0, settings.sandbox_max_wall_seconds),
        cpu_seconds=min(240.0, settings.sandbox_max_wall_seconds * settings.sandbox_max_cpus),
        memory_mb=min(2048, settings.sandbox_max_memory_mb),
        cpus=min(2.0, settings.sandbox_max_cpus),
        max_processes=min(256, settings.sandbox_max_processes),
        max_disk_mb=min(512, settings.sandbox_max_disk_mb),
        max_file_mb=min(256, settings.sandbox_max_disk_mb),
        max_output_bytes=min(2_000_000, settings.sandbox_max_output_bytes),
        max_open_files=4096,
    )
    request = SandboxRequest(language="bash", files=files, entry="prove.sh", limits=limits)
    result = run_code(request, cfg)
    output = result.stdout + ("\n" + result.stderr if result.stderr else "")
    return _parse(output, sdk, result.status, result.wall_ms)


def prove_sdks(items: list[tuple[GeneratedSdk, ApiModel]], settings: Settings) -> list[SdkProof]:
    """Prove several SDKs in one sandbox run (one toolchain start-up, a shared mypy
    cache): what a benchmark over a corpus needs. Each SDK gets its own mock port."""
    from devlab.sandbox import Limits, SandboxRequest, run_code

    files = {"mockserver.py": MOCK_SOURCE.read_text(encoding="utf-8")}
    for i, (sdk, model) in enumerate(items):
        base = f"sdk_{i:04d}/"
        files.update({base + k: v for k, v in sdk.files.items()})
        files[base + "routes.json"] = json.dumps(route_table(model))
        files[base + "prove.sh"] = _script(sdk, model.title, 9000 + i, "../mockserver.py")
    files["run.sh"] = (
        "for d in sdk_*; do (cd $d && bash prove.sh) > $d.out 2>&1; "
        'echo "=== $d rc=$?"; head -c 30000 $d.out; echo; done\n'
    )
    size = sum(len(k.encode()) + len(v.encode()) for k, v in files.items())  # as counted
    cfg = settings.model_copy(
        update={"sandbox_max_source_bytes": max(settings.sandbox_max_source_bytes, size + 1000)}
    )
    limits = Limits(
        wall_seconds=settings.sandbox_max_wall_seconds,
        cpu_seconds=settings.sandbox_max_wall_seconds * settings.sandbox_max_cpus,
        memory_mb=min(2048, settings.sandbox_max_memory_mb),
        cpus=settings.sandbox_max_cpus,
        max_processes=min(256, settings.sandbox_max_processes),
        max_disk_mb=settings.sandbox_max_disk_mb,
        max_file_mb=settings.sandbox_max_disk_mb,
        max_output_bytes=settings.sandbox_max_output_bytes,
        max_open_files=4096,
    )
    result = run_code(
        SandboxRequest(language="bash", files=files, entry="run.sh", limits=limits), cfg
    )
    chunks = result.stdout.split("=== sdk_")[1:]
    proofs = []
    for i, (sdk, _model) in enumerate(items):
        chunk = next((c for c in chunks if c.startswith(f"{i:04d} ")), None)
        if chunk is None:
            proofs.append(
                SdkProof(
                    checker=_CHECKERS[sdk.language],
                    compiled=False,
                    status=result.status,
                    error=f"not reached ({result.status})",
                )
            )
        else:
            proofs.append(_parse(chunk.split("\n", 1)[-1], sdk, result.status, 0))
    return proofs


__all__ = ["prove_sdk", "prove_sdks"]
