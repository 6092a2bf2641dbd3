"""Code -> tests: link functions to the tests that exercise them.

A test is a ``test*`` function or method in a test file (``Test*`` in Go); JavaScript and
TypeScript test files, whose tests are anonymous callbacks (``it(...)``), count as one
test each. A test is linked to the function ``f`` it calls (the calls come from the
store's references) when ``f`` is defined in a file the test file imports (Python
modules, relative JS paths, Go packages, Java classes), in the test file's own
directory, or in the file its name points at (``test_cart.py``/``cart_test.go``/
``cart.test.js``/``CartTest.java`` -> ``cart``); a name defined nowhere else (once in
the project, six letters or more) is linked too.
"""

from __future__ import annotations

import posixpath
import re
from collections import defaultdict
from dataclasses import dataclass, field

from devlab.training.datasets.inputs import js_target, module_name, relative_module
from devlab.training.datasets.worker import UnitMeta

__all__ = ["TestLinks", "link_tests"]

_JS = frozenset({"javascript", "typescript", "tsx"})
_SUBJECT = re.compile(r"^(?:test_)?(.+?)(?:_test|\.test|\.spec|Tests?)?$")


@dataclass
class TestLink:
    __test__ = False

    id: str  # the test unit's id, or "<file>" ids for whole JS test files
    path: str
    qualname: str | None  # None: the whole file
    code: str
    language: str


@dataclass
class TestLinks:
    __test__ = False

    tests: dict[str, TestLink] = field(default_factory=dict)
    by_unit: dict[str, list[str]] = field(default_factory=dict)  # function id -> test ids


def _is_test_unit(meta: UnitMeta) -> bool:
    if not meta.is_test or meta.kind == "class":
        return False
    return meta.name.startswith(("test", "Test"))


def _stem(path: str) -> str:
    base = posixpath.basename(path)
    return base.split(".", 1)[0] if "." in base else base


def _subject(path: str) -> str:
    match = _SUBJECT.match(_stem(path))
    return (match.group(1) if match else _stem(path)).lower()


class _Resolver:
    """Which files a test file reaches through its imports."""

    def __init__(self, paths: list[str]) -> None:
        self.by_module: dict[str, set[str]] = defaultdict(set)
        self.paths = set(paths)
        self.by_dir: dict[str, set[str]] = defaultdict(set)
        for path in paths:
            parts = module_name(path).split(".")
            for i in range(len(parts)):  # every suffix: "a.b.c", "b.c", "c"
                self.by_module[".".join(parts[i:])].add(path)
            self.by_dir[posixpath.dirname(path)].add(path)

    def files(
        self, path: str, language: str, imports: list[tuple[str, tuple[str, ...]]]
    ) -> set[str]:
        found: set[str] = set(self.by_dir.get(posixpath.dirname(path), ()))
        for module, names in imports:
            if language == "python":
                full = relative_module(path, module) if module.startswith(".") else module
                found |= self.by_module.get(full, set())
                for name in names:
                    found |= self.by_module.get(f"{full}.{name}", set())
            elif language in _JS and module.startswith("."):
                target = js_target(path, module)
                for ext in ("", ".js", ".ts", ".tsx", ".jsx", ".mjs", "/index.js", "/index.ts"):
                    if target + ext in self.paths:
                        found.add(target + ext)
            elif language == "go":
                tail = "/".join(module.split("/")[-2:])
                for directory, files in self.by_dir.items():
                    if directory.endswith(tail) or directory.endswith(module.split("/")[-1]):
                        found |= files
            elif language == "java":
                dotted = module.removesuffix(".*")
                found |= self.by_module.get(dotted, set())
                if module.endswith(".*"):
                    found |= self.by_dir.get(dotted.replace(".", "/"), set())
        return found


def link_tests(
    units: list[UnitMeta],
    imports: dict[str, list[tuple[str, tuple[str, ...]]]],
    test_calls: dict[tuple[str, str | None], set[str]],
    test_files: dict[str, tuple[str, str]],
    *,
    max_tests: int,
) -> TestLinks:
    """Link function units to tests. ``test_files`` maps a JS/TS test file's path to
    ``(language, text)`` (whole-file tests)."""
    links = TestLinks()
    subjects = [u for u in units if not u.is_test and u.kind in ("function", "method")]
    by_name: dict[str, list[UnitMeta]] = defaultdict(list)
    for unit in subjects:
        by_name[unit.name].append(unit)
    resolver = _Resolver(sorted({u.path for u in units}))
    for unit in units:
        if _is_test_unit(unit):
            links.tests[unit.id] = TestLink(
                unit.id, unit.path, unit.qualname, unit.code, unit.language
            )
    for path, (language, text) in test_files.items():
        if language in _JS and text.count("\n") <= 400:
            links.tests[f"{path}:<file>"] = TestLink(f"{path}:<file>", path, None, text, language)
    reachable: dict[str, set[str]] = {}
    for test in links.tests.values():
        if test.path not in reachable:
            reachable[test.path] = resolver.files(
                test.path, test.language, imports.get(test.path, [])
            )
        if test.qualname is None:
            called = set().union(*(n for (p, _), n in test_calls.items() if p == test.path))
        else:
            called = set(test_calls.get((test.path, test.qualname), ()))
        subject = _subject(test.path)
        for name in sorted(called):
            candidates = [
                c
                for c in by_name.get(name, ())
                if c.language == test.language or (c.language in _JS and test.language in _JS)
            ]
            near = [
                c
                for c in candidates
                if c.path in reachable[test.path] or _subject(c.path) == subject
            ]
            if not near and len(candidates) == 1 and len(name) >= 6:
                near = candidates
            for target in near:
                linked = links.by_unit.setdefault(target.id, [])
                if test.id not in linked and len(linked) < max_tests:
                    linked.append(test.id)
    return links
