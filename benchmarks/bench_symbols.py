"""Symbol extraction vs Universal Ctags, and redaction safety, over real codebases.

    python benchmarks/bench_symbols.py [--only LANG] [--misses N] [--write-docs]

For each corpus (six languages, code nobody here wrote) it runs DevLab's parser
(``codebase.parsing.parse_source``) and Universal Ctags (Debian ``universal-ctags``)
over the same files in the same run and reports:

* symbols per 1,000 lines by kind, ours and ctags';
* **definition recall vs ctags**: of the definitions ctags finds (kinds listed in
  ``CTAGS_DEFINITIONS``: classes, interfaces, enums, type aliases, namespaces,
  functions, methods; not variables, fields, constants or parameters, which DevLab
  does not index as symbols), the share that DevLab also has: a symbol of the same
  name in the same file whose lines contain ctags' line;
* **redaction**: files made unparsable by ``codebase.secrets.scrub`` (must be 0),
  and ten planted secret formats per sampled file, written as that language's
  literals, all gone after redaction.

Corpora (fetched once into ``benchmarks/.data/faithful/``): httpie, click, attrs
(PyPI sdists); express, koa (npm tarballs); rxjs 7.8.1's TypeScript ``src/`` (npm
tarball); OpenJDK 17's ``java.util`` (Debian ``openjdk-17-source``); Go 1.19's
``net/http`` and ``encoding`` (Debian ``golang-go``); Bash scripts shipped in
Debian packages (``/usr/bin``, ``/usr/share``, ``/usr/lib``, ``/etc``).

Writes ``benchmarks/.data/symbols-results.json``; ``--write-docs`` replaces the
"Symbols vs Universal Ctags" section of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tarfile
import time
import zipfile
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "codebase"))

from _common import DATA_DIR, DOCS, fetch_sdist, machine, markdown_table, write_json

from devlab.codebase.analysis import module_name
from devlab.codebase.grammars import get_parser
from devlab.codebase.parsing import parse_source
from devlab.codebase.secrets import scrub

CORPUS_DIR = DATA_DIR / "faithful"
RESULTS = DATA_DIR / "symbols-results.json"

# ctags' language name and the kinds that are definitions DevLab indexes as symbols.
CTAGS_DEFINITIONS: dict[str, tuple[str, frozenset[str]]] = {
    "python": ("Python", frozenset({"class", "function", "member"})),
    "javascript": (
        "JavaScript",
        frozenset({"class", "function", "generator", "method", "getter", "setter"}),
    ),
    "typescript": (
        "TypeScript",
        frozenset(
            {
                "class",
                "function",
                "generator",
                "method",
                "interface",
                "enum",
                "namespace",
                "alias",
            }
        ),
    ),
    "java": ("Java", frozenset({"class", "interface", "enum", "annotation", "method"})),
    "go": ("Go", frozenset({"func", "interface", "struct", "type", "talias"})),
    "bash": ("Sh", frozenset({"function"})),
}


# --- corpora ------------------------------------------------------------------------


def _npm(spec: str) -> Path:
    name, _, version = spec.rpartition("@")
    target = CORPUS_DIR / f"{name}-{version}"
    if not target.is_dir():
        CORPUS_DIR.mkdir(parents=True, exist_ok=True)
        subprocess.run(["npm", "pack", "-q", spec], cwd=CORPUS_DIR, check=True)
        target.mkdir()
        with tarfile.open(CORPUS_DIR / f"{name}-{version}.tgz") as archive:
            for member in archive.getmembers():
                member.name = member.name.partition("/")[2]
            archive.extractall(target, filter="data")
    return target


def _jdk_util() -> Path:
    target = CORPUS_DIR / "openjdk-17-java.util"
    if not target.is_dir():
        zips = sorted(Path("/usr/lib/jvm").glob("java-17-openjdk-*/lib/src.zip"))
        zips = [z for z in zips if z.resolve().is_file()]
        if not zips:
            raise SystemExit("Java corpus: apt-get install openjdk-17-source")
        with zipfile.ZipFile(zips[0]) as archive:
            for name in archive.namelist():
                if name.startswith("java.base/java/util/") and name.endswith(".java"):
                    out = target / name
                    out.parent.mkdir(parents=True, exist_ok=True)
                    out.write_bytes(archive.read(name))
    return target


def _go_std() -> list[Path]:
    roots = sorted(Path("/usr/lib").glob("go-*/src"))
    if not roots:
        raise SystemExit("Go corpus: apt-get install golang-go")
    return [roots[-1] / "net" / "http", roots[-1] / "encoding"]


def _bash_scripts() -> list[Path]:
    """Scripts with a bash shebang from Debian packages on this machine."""
    found: list[Path] = []
    for root in ("/usr/bin", "/usr/sbin", "/usr/share", "/usr/lib", "/etc"):
        for path in sorted(Path(root).rglob("*")):
            if len(found) >= 400:
                return found
            try:
                if not path.is_file() or path.is_symlink() or path.stat().st_size > 300_000:
                    continue
                with path.open("rb") as fh:
                    head = fh.read(80)
            except OSError:
                continue
            first = head.split(b"\n", 1)[0]
            if head.startswith(b"#!") and b"bash" in first and b"python" not in first:
                found.append(path)
    return found


def corpora() -> list[tuple[str, str, list[Path]]]:
    """(language, name, files) for each corpus."""
    out: list[tuple[str, str, list[Path]]] = []
    for spec in ("httpie==3.2.2", "click==8.1.7", "attrs==23.2.0"):
        root = fetch_sdist(spec, CORPUS_DIR)
        out.append(("python", spec, sorted(root.rglob("*.py"))))
    for spec in ("express@4.19.2", "koa@2.15.3"):
        out.append(("javascript", spec, sorted(_npm(spec).rglob("*.js"))))
    rx = _npm("rxjs@7.8.1") / "src"
    out.append(("typescript", "rxjs@7.8.1 src", sorted(rx.rglob("*.ts"))))
    out.append(("java", "openjdk-17 java.util", sorted(_jdk_util().rglob("*.java"))))
    go = [p for root in _go_std() for p in sorted(root.rglob("*.go"))]
    out.append(("go", "go stdlib net/http + encoding", go))
    out.append(("bash", "Debian bash scripts", _bash_scripts()))
    return out


# --- ctags ---------------------------------------------------------------------------


def run_ctags(language: str, files: list[Path]) -> list[dict[str, Any]]:
    """Universal Ctags' tags for ``files`` (JSON lines), forced to ``language``."""
    ctags_lang = CTAGS_DEFINITIONS[language][0]
    cmd = [
        "ctags", "--output-format=json", "--fields=+nKz", f"--language-force={ctags_lang}",
        "-f", "-", "-L", "-",
    ]  # fmt: skip
    done = subprocess.run(
        cmd, input="\n".join(map(str, files)), capture_output=True, text=True, check=True
    )
    tags = []
    for line in done.stdout.splitlines():
        try:
            tag = json.loads(line)
        except json.JSONDecodeError:
            continue
        if tag.get("_type") == "tag":
            tags.append(tag)
    return tags


# ctags' generated names for anonymous functions and classes: not definitions by name
_ANONYMOUS = re.compile(r"(?:AnonymousFunction|AnonymousClass|__anon)[0-9a-f]*$")


def _same(name: str, line: int, symbol: Any) -> bool:
    """ctags' tag is DevLab's symbol. ctags sometimes names a definition by the object
    it is assigned to (``res.get = function () {}`` is tagged "res";
    ``module.exports = class Application`` both "Application" and "exports"); DevLab
    names them ``res.get`` and ``Application``: the same definition, on the same line."""
    if symbol.name == name:
        return symbol.start_line <= line <= symbol.end_line
    if symbol.start_line == line:
        return name == "exports" or name in symbol.qualname.split(".")
    return False


def _not_a_definition(tag: dict[str, Any], source_line: str, language: str) -> str | None:
    """Why a ctags JavaScript/TypeScript tag names no definition, else None.

    ctags tags an object literal bound to a name as a *class* (``var ret = {...}``,
    ``module.exports = {...}``), and a function assigned to a computed member
    (``app[method] = function () {}``) by the object's name. DevLab indexes neither
    as a symbol (an object literal's function members are indexed, as methods).
    """
    name = re.escape(tag["name"])
    if language == "bash":
        # ctags' Sh parser is line-based: it tags "function x" inside help texts and awk
        # programs, and "x=()" arrays; a Bash function definition starts its line.
        shape = rf"^\s*(?:function\s+{name}(?:\s*\(\s*\))?|{name}\s*\(\s*\))\s*(?:\{{|$)"
        if "=" in tag["name"] or not re.search(shape, source_line):
            return "not a Bash function"
        return None
    if tag.get("kind") == "class" and re.search(rf"\b{name}\s*[=:]\s*\{{", source_line):
        return "object literal"
    if re.search(rf"\b{name}(?:\.prototype)?\[[^\]]+\]\s*=", source_line):
        return "computed member"
    return None


# --- one corpus ----------------------------------------------------------------------


def measure(language: str, name: str, files: list[Path], misses: int) -> dict[str, Any]:
    ours: dict[str, list] = {}
    lines = 0
    kinds: Counter[str] = Counter()
    parse_s = 0.0
    redaction = {"files": 0, "parsed_before": 0, "made_unparsable": 0, "planted": 0}
    redaction["planted_missed"] = 0
    for path in files:
        try:
            text = path.read_text("utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        lines += text.count("\n") + 1
        t0 = time.perf_counter()
        parsed = parse_source(text, language, module_name(str(path)))
        parse_s += time.perf_counter() - t0
        symbols = [s for s in parsed.symbols if s.kind != "module"]
        ours[str(path)] = symbols
        kinds.update(s.kind for s in symbols)
        _redaction(redaction, language, path, text)
    tags = run_ctags(language, [Path(p) for p in ours])
    definitions = CTAGS_DEFINITIONS[language][1]
    ctags_kinds = Counter(t.get("kind", "?") for t in tags)
    wanted = [t for t in tags if t.get("kind") in definitions and not _ANONYMOUS.match(t["name"])]
    excluded: Counter[str] = Counter()
    if language in ("javascript", "typescript", "bash"):
        kept = []
        for tag in wanted:
            why = _not_a_definition(tag, _source_line(tag), language)
            if why:
                excluded[why] += 1
            else:
                kept.append(tag)
        wanted = kept
    missed = []
    for tag in wanted:
        line = int(tag.get("line", 0))
        if not any(_same(tag["name"], line, s) for s in ours.get(tag["path"], [])):
            missed.append(f"{tag['path']}:{line} {tag['kind']} {tag['name']}")
    per_k = 1000 / max(lines, 1)
    return {
        "language": language,
        "corpus": name,
        "files": len(ours),
        "lines": lines,
        "ours_per_kloc": {k: round(v * per_k, 1) for k, v in sorted(kinds.items())},
        "ctags_per_kloc": {k: round(v * per_k, 1) for k, v in sorted(ctags_kinds.items())},
        "ctags_definitions": len(wanted),
        "ctags_excluded": dict(excluded),
        "recall": round(1 - len(missed) / max(len(wanted), 1), 4),
        "missed_examples": missed[:misses],
        "parse_lines_per_s": round(lines / max(parse_s, 1e-9)),
        "redaction": redaction,
    }


def _source_line(tag: dict[str, Any]) -> str:
    try:
        lines = Path(tag["path"]).read_text("utf-8").split("\n")
        return lines[int(tag.get("line", 0)) - 1]
    except (OSError, UnicodeDecodeError, IndexError, ValueError):
        return ""


def _redaction(stats: dict[str, int], language: str, path: Path, text: str) -> None:
    from test_redaction import SECRET_VALUES, _planted

    parser = get_parser(language)
    stats["files"] += 1
    if parser.parse(text.encode()).root_node.has_error:
        return
    stats["parsed_before"] += 1
    clean, _ = scrub(str(path), text)
    if parser.parse(clean.encode()).root_node.has_error:
        stats["made_unparsable"] += 1
    if stats["parsed_before"] % 10 != 1:
        return
    planted = text + _planted(language, stats["parsed_before"])
    if parser.parse(planted.encode()).root_node.has_error:
        return
    stats["planted"] += 1
    clean, _ = scrub(str(path), planted)
    if any(v in clean for v in SECRET_VALUES):
        stats["planted_missed"] += 1
    if parser.parse(clean.encode()).root_node.has_error:
        stats["made_unparsable"] += 1


# --- report --------------------------------------------------------------------------


def render(results: dict[str, Any]) -> str:
    rows = []
    for r in results["corpora"]:
        red = r["redaction"]
        rows.append(
            [
                r["language"],
                r["corpus"],
                r["files"],
                f"{r['lines']:,}",
                ", ".join(f"{k} {v}" for k, v in r["ours_per_kloc"].items()),
                ", ".join(f"{k} {v}" for k, v in r["ctags_per_kloc"].items()),
                f"{r['recall']:.1%} of {r['ctags_definitions']}"
                + "".join(f" ({v} {k} excluded)" for k, v in r.get("ctags_excluded", {}).items()),
                f"{red['made_unparsable']} / {red['parsed_before']}",
                f"{red['planted'] - red['planted_missed']} / {red['planted']}",
            ]
        )
    m = results["machine"]
    table = markdown_table(
        [
            "language",
            "corpus",
            "files",
            "lines",
            "DevLab symbols / kLOC by kind",
            "ctags tags / kLOC by kind",
            "recall of ctags definitions",
            "made unparsable by redaction / parsed files",
            "planted files fully redacted (10 formats each)",
        ],
        rows,
    )
    return (
        "## Symbols vs Universal Ctags, and redaction safety (issue 14)\n\n"
        "`python benchmarks/bench_symbols.py --write-docs` "
        f"({m['date']}, {m['cpu']}, {m['cores']} cores shared with other agents, "
        f"{results['ctags']}).\n\n"
        "Recall counts ctags' *definition* kinds (classes, interfaces, enums, type aliases, "
        "namespaces, functions, methods, getters/setters; not variables, fields, constants, "
        "enum members or parameters, which DevLab does not index as symbols); a tag is found "
        "when DevLab has a symbol of the same name in the same file whose lines contain "
        "the tag's line.\n\n" + table + "\n"
    )


def write_docs(section: str) -> None:
    text = DOCS.read_text(encoding="utf-8") if DOCS.exists() else "# Benchmarks\n"
    head = "## Symbols vs Universal Ctags"
    if head in text:
        before, _, rest = text.partition(head)
        after = rest.split("\n## ", 1)
        text = before + section + ("\n## " + after[1] if len(after) > 1 else "")
    else:
        text = text.rstrip("\n") + "\n\n" + section
    DOCS.write_text(text, encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--only", help="one language (python, javascript, typescript, ...)")
    ap.add_argument("--misses", type=int, default=15, help="missed tags to list per corpus")
    ap.add_argument("--write-docs", action="store_true")
    args = ap.parse_args()
    version = subprocess.run(["ctags", "--version"], capture_output=True, text=True)
    results: dict[str, Any] = {
        "machine": machine(),
        "ctags": version.stdout.split("\n", 1)[0].split(",")[0],
        "corpora": [],
    }
    per_language: dict[str, list[dict]] = defaultdict(list)
    for language, name, files in corpora():
        if args.only and language != args.only:
            continue
        result = measure(language, name, files, args.misses)
        results["corpora"].append(result)
        per_language[language].append(result)
        print(
            f"{language:<11} {name:<32} recall {result['recall']:.1%} "
            f"of {result['ctags_definitions']}; redaction {result['redaction']}",
            file=sys.stderr,
        )
        for miss in result["missed_examples"]:
            print("   missed", miss, file=sys.stderr)
    write_json(RESULTS, results)
    section = render(results)
    print(section)
    if args.write_docs:
        write_docs(section)


if __name__ == "__main__":
    main()
