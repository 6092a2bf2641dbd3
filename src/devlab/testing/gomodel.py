"""The language model's round of Go test generation: asked only when the boundary
calls left the target short, one function at a time (its source, the package's struct
types it mentions, the lines still uncovered). The reply's ``go`` block is split into
top-level ``Test`` functions, each renamed ``TestDevlabModel_<n>`` so nothing collides;
its imports are kept, and the ones the compiler calls unused are taken out before the
candidates run through the same verification as every other candidate."""

from __future__ import annotations

from collections.abc import Callable

from devlab.testing.gosig import GoFunc
from devlab.testing.jsrun import block_end

__all__ = ["go_model_candidates", "split_go_tests", "unused_imports", "used_imports"]

ModelFn = Callable[[str, str], str]


def _imports(code: str) -> list[str]:
    out, block = [], False
    for raw in code.splitlines():
        line = raw.strip()
        if block:
            if line.startswith(")"):
                block = False
            elif '"' in line:
                out.append(line)
        elif line.startswith("import ("):
            block = True
        elif line.startswith("import ") and '"' in line:
            out.append(line[len("import ") :].strip())
    return out


def split_go_tests(code: str, prefix: str, start: int) -> tuple[list[tuple[str, str]], list[str]]:
    """``[(new name, test function)]`` of a Go test file, and its import specs."""
    lines = code.splitlines()
    tests: list[tuple[str, str]] = []
    for number, line in enumerate(lines, 1):
        if not (line.startswith("func Test") and "*testing.T" in line and "{" in line):
            continue
        end = block_end(lines, number, number + 400)
        old = line[5:].split("(", 1)[0]
        name = f"{prefix}{start + len(tests)}"
        body = "\n".join(lines[number - 1 : end]).replace(f"func {old}(", f"func {name}(", 1)
        tests.append((name, body + "\n"))
    return tests, _imports(code)


def unused_imports(build: str) -> set[str]:
    """Import paths the Go compiler reports as ``imported and not used``."""
    found = set()
    for line in build.splitlines():
        if "imported and not used" in line and '"' in line:
            found.add(line.split('"')[1])
    return found


def used_imports(imports: list[str], codes: list[str]) -> list[str]:
    """The import specs (``"strings"``, ``str "strings"``) whose name the code uses."""
    text = "\n".join(codes)
    out = []
    for spec in imports:
        words = spec.split()
        path = words[-1].strip('"')
        name = words[0] if len(words) > 1 else path.rsplit("/", 1)[-1]
        if name in ("_", ".") or f"{name}." in text:
            out.append(spec)
    return out


def _types(fn: GoFunc, files: dict[str, str], directory: str) -> str:
    """Declarations of the package's struct types the function's signature names."""
    wanted = {kind.lstrip("*[]") for _, kind in fn.params} | {fn.receiver}
    out = []
    for path, text in files.items():
        if not path.endswith(".go") or (path.rsplit("/", 1)[0] if "/" in path else "") != directory:
            continue
        lines = text.splitlines()
        for number, line in enumerate(lines, 1):
            words = line.split()
            if len(words) >= 3 and words[0] == "type" and words[1] in wanted:
                out.append("\n".join(lines[number - 1 : block_end(lines, number, number + 60)]))
    return "\n\n".join(out)[:3000]


def go_model_candidates(
    model: ModelFn,
    funcs: list[GoFunc],
    missing: set[int],
    *,
    source: str,
    files: dict[str, str],
    path: str,
    package: str,
    directory: str,
    limit: int = 4,
) -> tuple[list[tuple[str, str, str]], list[str]]:
    """``[(test name, target label, code)]`` from the model, and the imports they use."""
    from devlab.llm import extract_code, render_prompt_blocks

    lines = source.splitlines()
    chosen = [f for f in funcs if set(range(f.line, f.end + 1)) & missing][:limit]
    found: list[tuple[str, str, str]] = []
    imports: list[str] = []
    for fn in chosen:
        uncovered = sorted(set(range(fn.line, fn.end + 1)) & missing)
        texts, _ = render_prompt_blocks(
            "generate_go_tests", ("system", "user"), package="devlab.testing",
            path=path, source="\n".join(lines[fn.line - 1 : fn.end])[:6000],
            types=_types(fn, files, directory), missing=", ".join(map(str, uncovered[:40])),
            go_package=package,
        )  # fmt: skip
        reply = model(texts["system"], texts["user"])
        for block in extract_code(reply, "go")[:1]:
            tests, used = split_go_tests(block.code, "TestDevlabModel_", len(found))
            found += [(name, fn.label, code) for name, code in tests]
            imports += [i for i in used if i not in imports]
    return found, imports
