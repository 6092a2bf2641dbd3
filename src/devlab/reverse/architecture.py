"""Architecture of a snapshot: module dependency graph, class diagram, call graph.

Everything here reads what ingestion stored (files, imports, symbols, references,
file texts); nothing re-parses the source tree. The pipeline per view:

- ``module_graph``: imports -> resolved to project files (Python relative imports and
  package roots, JS/TS relative specifiers, Java packages, Go package paths) or to an
  external module -> module keys (scope filter, depth collapse) -> edges -> metrics
  (fan-in, fan-out, instability, cycles as strongly connected components).
- ``class_diagram``: class symbols -> bases parsed from the stored signature ->
  methods (child symbols) -> typed attributes read from the class body text.
- ``call_graph``: call references -> definitions of the same name, preferring the
  caller's file, then files it imports (best effort: no type inference) -> top
  ``max_nodes`` by PageRank.
"""

from __future__ import annotations

import posixpath
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, Field
from sqlalchemy import func, select

from devlab.codebase import require_snapshot, resolve_project, snapshot_texts
from devlab.errors import InvalidInput
from devlab.store import Database, FileVersion, ImportRow, ReferenceRow, SnapshotFile, SymbolRow

__all__ = [
    "CallEdge",
    "CallGraph",
    "CallNode",
    "ClassDiagram",
    "ClassEdge",
    "ClassNode",
    "ModuleEdge",
    "ModuleGraph",
    "ModuleNode",
    "call_graph",
    "class_diagram",
    "collapse_key",
    "in_scope",
    "module_graph",
    "module_key",
    "scope_prefix",
    "strongly_connected",
]

MODULE_LANGUAGES = frozenset({"python", "javascript", "typescript", "tsx", "java", "go"})
JS_LANGUAGES = frozenset({"javascript", "typescript", "tsx"})
_JS_SUFFIXES = ("", ".ts", ".tsx", ".js", ".jsx", ".mjs", ".cjs", ".mts", ".cts", ".d.ts")
EXTERNAL_PACKAGE = "(external)"


# ---------------------------------------------------------------- records


class ModuleNode(BaseModel):
    id: str = Field(description="path-like key: 'django/db/models'; externals 'ext:requests'")
    label: str
    kind: Literal["module", "package", "external"]
    package: str = Field(description="the enclosing package key; diagrams cluster by it")
    language: str
    files: int = 1
    fan_in: int = Field(default=0, description="Ca: modules of the project that import this one")
    fan_out: int = Field(default=0, description="Ce: modules of the project this one imports")
    instability: float | None = Field(default=None, description="Ce/(Ca+Ce); None when both are 0")


class ModuleEdge(BaseModel):
    source: str
    target: str
    weight: int = Field(default=1, description="import statements behind the edge")


class ModuleGraph(BaseModel):
    project: str
    scope: str | None = None
    depth: int | None = None
    nodes: list[ModuleNode]
    edges: list[ModuleEdge]
    cycles: list[list[str]] = Field(description="strongly connected components of 2+ modules")
    notes: list[str] = Field(default_factory=list)

    def node(self, node_id: str) -> ModuleNode:
        for n in self.nodes:
            if n.id == node_id:
                return n
        raise KeyError(node_id)


class ClassNode(BaseModel):
    id: str = Field(description="'path::Qualname'; classes outside the project 'ext:Name'")
    name: str
    qualname: str
    kind: Literal["class", "interface", "external"]
    path: str = ""
    line: int = 0
    language: str = ""
    methods: list[str] = Field(default_factory=list)
    attributes: list[tuple[str, str]] = Field(default_factory=list, description="(name, type)")
    bases: list[str] = Field(default_factory=list, description="base names as written")


class ClassEdge(BaseModel):
    source: str
    target: str
    kind: Literal["inherits", "implements", "composes"]
    label: str = ""


class ClassDiagram(BaseModel):
    project: str
    scope: str | None = None
    classes: list[ClassNode]
    edges: list[ClassEdge]
    notes: list[str] = Field(default_factory=list)


class CallNode(BaseModel):
    id: str
    name: str
    qualname: str
    kind: str
    path: str
    line: int
    rank: float


class CallEdge(BaseModel):
    source: str
    target: str
    count: int = 1


class CallGraph(BaseModel):
    project: str
    scope: str | None = None
    nodes: list[CallNode]
    edges: list[CallEdge]
    total_nodes: int = Field(description="functions with calls before the max_nodes cut")
    notes: list[str] = Field(default_factory=list)


# ---------------------------------------------------------------- helpers


def scope_prefix(scope: str | None) -> str:
    if not scope:
        return ""
    cleaned = posixpath.normpath(scope.strip().replace("\\", "/")).strip("/")
    if cleaned.startswith("..") or cleaned in ("", "."):
        if cleaned in ("", "."):
            return ""
        raise InvalidInput(f"scope must be a path inside the project, not {scope!r}")
    return cleaned


def in_scope(path: str, prefix: str) -> bool:
    return not prefix or path == prefix or path.startswith(prefix + "/")


def _snapshot_files(db: Database, snapshot_id: int) -> list[tuple[int, str, str]]:
    with db.session() as s:
        return [
            (file_id, path, language)
            for file_id, path, language in s.execute(
                select(FileVersion.id, FileVersion.path, FileVersion.language)
                .join(SnapshotFile, SnapshotFile.file_id == FileVersion.id)
                .where(SnapshotFile.snapshot_id == snapshot_id)
                .order_by(FileVersion.path)
            )
        ]


def _snapshot_imports(db: Database, snapshot_id: int) -> list[tuple[int, str, list[Any], int]]:
    with db.session() as s:
        return [
            tuple(r)
            for r in s.execute(
                select(ImportRow.file_id, ImportRow.module, ImportRow.names, ImportRow.line)
                .join(SnapshotFile, SnapshotFile.file_id == ImportRow.file_id)
                .where(SnapshotFile.snapshot_id == snapshot_id)
            )
        ]


def module_key(path: str, language: str) -> str:
    """The module a file is: its path without extension; a package's ``__init__.py`` or
    a JS ``index`` file is its directory; a Go file is its directory (the Go package)."""
    directory = posixpath.dirname(path)
    if language == "go":
        return directory or posixpath.splitext(path)[0]
    stem = path[:-5] if path.endswith(".d.ts") else posixpath.splitext(path)[0]
    if posixpath.basename(stem) in ("__init__", "index") and directory:
        return directory
    return stem


# ---------------------------------------------------------------- import resolution


class _Resolver:
    """Resolves one stored import to project files, or names the external module."""

    def __init__(self, files: list[tuple[int, str, str]], java_packages: dict[str, str]):
        self.paths = {p for _, p, _ in files}
        python = [p for _, p, lang in files if lang == "python"]
        init_dirs = {posixpath.dirname(p) for p in python if p.endswith("/__init__.py")}
        # dotted name -> [(sys.path root, file)]: a root is any directory without an
        # __init__.py (the repository root, src/, tests/ ...), as Python would see it
        self.root_is_package = "__init__.py" in self.paths
        self.py_names: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for p in python:
            parts = posixpath.splitext(p)[0].split("/")
            dirs = parts[:-1]
            if parts[-1] == "__init__":
                parts = parts[:-1]
            for i in range(len(parts)):
                root = "/".join(dirs[:i])
                if i == 0 or root not in init_dirs:
                    self.py_names[".".join(parts[i:])].append((root, p))
        self.java_classes: dict[str, str] = {}
        self.java_packages: dict[str, list[str]] = defaultdict(list)
        for path, package in java_packages.items():
            stem = posixpath.splitext(posixpath.basename(path))[0]
            self.java_classes[f"{package}.{stem}" if package else stem] = path
            self.java_packages[package].append(path)
        self.go_dirs: dict[str, list[str]] = defaultdict(list)
        for _, p, lang in files:
            if lang == "go":
                self.go_dirs[posixpath.dirname(p)].append(p)

    # -- python
    def _py_lookup(self, name: str, importer: str) -> str | None:
        candidates = self.py_names.get(name)
        if not candidates:
            return None
        if len(candidates) == 1:
            return candidates[0][1]
        near = [c for c in candidates if not c[0] or importer.startswith(c[0] + "/")]
        return max(near or candidates, key=lambda c: len(c[0]))[1]

    def _py_path(self, base: str) -> str | None:
        for candidate in (base + ".py", base + "/__init__.py", base + ".pyi"):
            if candidate in self.paths:
                return candidate
        return None

    def python(self, module: str, names: list[Any], importer: str) -> tuple[list[str], str | None]:
        names = [n for n in names if n != "*"]
        if module.startswith("."):
            dots = len(module) - len(module.lstrip("."))
            base = posixpath.dirname(importer)
            for _ in range(dots - 1):
                base = posixpath.dirname(base)
            rest = module[dots:].replace(".", "/")
            base = posixpath.join(base, rest) if rest else base
            subs = [s for n in names if (s := self._py_path(posixpath.join(base, n)))]
            if subs and len(subs) == len(names):
                return subs, None
            own = self._py_path(base)
            return ([own] if own else []) + subs, None
        subs = [s for n in names if (s := self._py_lookup(f"{module}.{n}", importer))]
        if subs and len(subs) == len(names):
            return subs, None
        parts = module.split(".")
        if self.root_is_package and len(parts) > 1 and not self._py_lookup(parts[0], importer):
            # the project root is itself the package ("django/" ingested on its own):
            # "django.db.models" names "db/models"
            stripped = self.python(".".join(parts[1:]), names, importer)
            if stripped[0]:
                return stripped
        while parts:
            found = self._py_lookup(".".join(parts), importer)
            if found:
                return [found, *subs], None
            parts.pop()
        return subs, module.split(".")[0]

    # -- javascript / typescript
    def javascript(self, spec: str, importer: str) -> tuple[list[str], str | None]:
        if not spec.startswith("."):
            spec = spec.removeprefix("node:")
            parts = spec.split("/")
            return [], "/".join(parts[:2]) if spec.startswith("@") else parts[0]
        base = posixpath.normpath(posixpath.join(posixpath.dirname(importer), spec))
        bases = [base]
        if base.endswith((".js", ".jsx", ".mjs", ".cjs")):  # TS ESM: './x.js' is x.ts
            bases.append(posixpath.splitext(base)[0])
        for b in bases:
            for suffix in _JS_SUFFIXES:
                if b + suffix in self.paths:
                    return [b + suffix], None
            for suffix in _JS_SUFFIXES[1:]:
                if f"{b}/index{suffix}" in self.paths:
                    return [f"{b}/index{suffix}"], None
        return [], None

    # -- java
    def java(self, name: str, names: list[Any]) -> tuple[list[str], str | None]:
        if "*" in names and name in self.java_packages:
            return list(self.java_packages[name]), None
        parts = name.split(".")
        while parts:  # static imports name a member: strip until a class matches
            found = self.java_classes.get(".".join(parts))
            if found:
                return [found], None
            parts.pop()
        return [], ".".join(name.split(".")[:2])

    # -- go
    def go(self, path: str) -> tuple[list[str], str | None]:
        best = ""
        for directory in self.go_dirs:
            if directory and (path == directory or path.endswith("/" + directory)):
                best = max(best, directory, key=len)
        if best:
            return [self.go_dirs[best][0]], None
        parts = path.split("/")
        return [], "/".join(parts[:3]) if "." in parts[0] else path

    def resolve(
        self, module: str, names: list[Any], importer: str, language: str
    ) -> tuple[list[str], str | None]:
        """(project files, external module name or None)."""
        if language == "python":
            return self.python(module, names or [], importer)
        if language in JS_LANGUAGES:
            return self.javascript(module, importer)
        if language == "java":
            return self.java(module, names or [])
        if language == "go":
            return self.go(module)
        return [], None


# issue 13: [ \t] not \s: \s* crossed newlines, quadratic on runs of blank lines
_JAVA_PACKAGE = re.compile(r"^[ \t]*package[ \t]+([\w.]+)[ \t]*;", re.MULTILINE)


def _java_packages(db: Database, project: str | int) -> dict[str, str]:
    found: dict[str, str] = {}
    for item in snapshot_texts(db, project, languages=["java"]):
        match = _JAVA_PACKAGE.search(item.text)
        found[item.path] = match.group(1) if match else ""
    return found


def file_dependencies(db: Database, project: str | int) -> dict[str, dict[str, int]]:
    """Importing file -> {imported project file or 'ext:name': import statements}."""
    ref = resolve_project(db, project)
    snapshot_id = require_snapshot(ref)
    files = [f for f in _snapshot_files(db, snapshot_id) if f[2] in MODULE_LANGUAGES]
    has_java = any(lang == "java" for _, _, lang in files)
    resolver = _Resolver(files, _java_packages(db, ref.id) if has_java else {})
    by_id = {fid: (path, lang) for fid, path, lang in files}
    deps: dict[str, dict[str, int]] = {path: defaultdict(int) for _, path, _ in files}
    for file_id, module, names, _line in _snapshot_imports(db, snapshot_id):
        if file_id not in by_id:
            continue
        path, language = by_id[file_id]
        targets, external = resolver.resolve(module, names, path, language)
        for target in targets:
            if target != path:
                deps[path][target] += 1
        if external and not targets:
            deps[path]["ext:" + external] += 1
    return deps


# ---------------------------------------------------------------- module graph


def strongly_connected(nodes: Iterable[str], edges: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's strongly connected components (iterative), each sorted; only those
    with two or more members (import cycles)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    counter = 0
    for root in nodes:
        if root in index:
            continue
        work = [(root, iter(sorted(edges.get(root, ()))))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            advanced = False
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
                    advanced = True
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return sorted(found, key=lambda c: (-len(c), c))


def collapse_key(key: str, prefix: str, depth: int | None) -> str:
    if depth is None:
        return key
    rel = key[len(prefix) + 1 :] if prefix and key.startswith(prefix + "/") else key
    if prefix and key == prefix:
        return key
    parts = rel.split("/")
    short = "/".join(parts[:depth])
    return f"{prefix}/{short}" if prefix else short


def module_graph(
    db: Database,
    project: str | int,
    *,
    scope: str | None = None,
    depth: int | None = None,
    external: bool = True,
) -> ModuleGraph:
    """The module dependency graph of the project's current snapshot.

    ``scope`` keeps the modules under a path prefix (edges leaving it are dropped);
    ``depth`` collapses modules to their package ``depth`` levels below the scope
    (``depth=1`` on Django: ``django/db``, ``django/http`` ...). ``external=False``
    hides modules outside the project. Fan-in, fan-out and instability count project
    modules only, so a module importing only libraries reads as stable.
    """
    if depth is not None and depth < 1:
        raise InvalidInput(f"depth must be 1 or more, not {depth}")
    ref = resolve_project(db, project)
    snapshot_id = require_snapshot(ref)
    prefix = scope_prefix(scope)
    files = {p: lang for _, p, lang in _snapshot_files(db, snapshot_id)}
    deps = file_dependencies(db, ref.id)

    node_of: dict[str, str] = {}
    members: dict[str, list[str]] = defaultdict(list)
    for path in deps:
        if not in_scope(path, prefix):
            continue
        base = module_key(path, files[path])
        key = collapse_key(base, prefix, depth)
        node_of[path] = key
        members[key].append(path)
    weights, dropped = _module_weights(deps, node_of, external)
    nodes, adjacency = _module_nodes(members, files, weights)
    notes = []
    if dropped:
        notes.append(f"{dropped} dependencies leave the scope {prefix!r} and are not shown")
    return ModuleGraph(
        project=ref.name,
        scope=prefix or None,
        depth=depth,
        nodes=nodes,
        edges=[ModuleEdge(source=s, target=t, weight=w) for (s, t), w in sorted(weights.items())],
        cycles=strongly_connected(sorted(members), adjacency),
        notes=notes,
    )


def _module_weights(
    deps: dict[str, dict[str, int]], node_of: dict[str, str], external: bool
) -> tuple[dict[tuple[str, str], int], int]:
    """Import statements between modules (files mapped to their node by ``node_of``),
    and how many dependencies leave the scope (not shown)."""
    weights: dict[tuple[str, str], int] = defaultdict(int)
    dropped = 0
    for path, targets in deps.items():
        source = node_of.get(path)
        if source is None:
            continue
        for target, count in targets.items():
            if target.startswith("ext:"):
                if external:
                    weights[(source, target)] += count
                continue
            dest = node_of.get(target)
            if dest is None:
                dropped += 1
            elif dest != source:
                weights[(source, dest)] += count
    return weights, dropped


def _module_nodes(
    members: dict[str, list[str]], files: dict[str, str], weights: dict[tuple[str, str], int]
) -> tuple[list[ModuleNode], dict[str, set[str]]]:
    """The graph's nodes (project modules with fan-in, fan-out and instability, then
    the external ones) and the adjacency between project modules."""
    adjacency: dict[str, set[str]] = defaultdict(set)
    reverse: dict[str, set[str]] = defaultdict(set)
    for source, target in weights:
        if not target.startswith("ext:"):
            adjacency[source].add(target)
            reverse[target].add(source)
    nodes: list[ModuleNode] = []
    for key in sorted(members):
        paths = members[key]
        language = files[paths[0]]
        ca, ce = len(reverse[key]), len(adjacency[key])
        collapsed = len(paths) > 1 or module_key(paths[0], language) != key
        nodes.append(
            ModuleNode(
                id=key,
                label=key.replace("/", ".") if language in ("python", "java") else key,
                kind="package" if collapsed else "module",
                package=posixpath.dirname(key),
                language=language,
                files=len(paths),
                fan_in=ca,
                fan_out=ce,
                instability=round(ce / (ca + ce), 4) if ca + ce else None,
            )
        )
    externals = sorted({t for _, t in weights if t.startswith("ext:")})
    for ext in externals:
        users = sum(1 for _, t in weights if t == ext)
        nodes.append(
            ModuleNode(
                id=ext,
                label=ext[4:],
                kind="external",
                package=EXTERNAL_PACKAGE,
                language="",
                files=0,
                fan_in=users,
            )
        )
    return nodes, adjacency


# ---------------------------------------------------------------- class diagram

_IDENT = re.compile(r"[A-Za-z_]\w*")
_PY_ATTR = re.compile(r"^(\s+)([A-Za-z_]\w*)\s*:\s*([^=#]+?)\s*(?:=.*)?$")
_PY_SELF_ATTR = re.compile(r"self\.([A-Za-z_]\w*)\s*:\s*([^=#]+?)\s*=")
_PY_SELF_NEW = re.compile(r"self\.([A-Za-z_]\w*)\s*=\s*([A-Z]\w*)\(")
_JAVA_FIELD = re.compile(
    r"^\s*(?:(?:private|protected|public|static|final|transient|volatile)\s+)*"
    r"([\w.]+(?:<[\w.<>, ?]*>)?(?:\[\])*)\s+([A-Za-z_]\w*)\s*(?:=[^;]*)?;\s*$"
)
_TS_FIELD = re.compile(
    r"^\s*(?:(?:private|protected|public|readonly|static|declare)\s+)*"
    r"([A-Za-z_]\w*)[?!]?\s*:\s*([^=;(]+?)\s*(?:=[^;]*)?;?\s*$"
)
_PY_KEYWORDS = frozenset({"else", "try", "finally", "except", "elif", "if", "for", "while"})


def _split_top(text: str) -> list[str]:
    """Split on commas outside brackets."""
    parts: list[str] = []
    depth = 0
    current: list[str] = []
    for ch in text:
        if ch in "([{<":
            depth += 1
        elif ch in ")]}>":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    return [p.strip() for p in parts if p.strip()]


def _strip_generics(name: str) -> str:
    return re.split(r"[\[<(]", name, maxsplit=1)[0].strip()


def parse_bases(signature: str, language: str) -> tuple[list[str], list[str]]:
    """(extends, implements) as written in a class header."""
    signature = " ".join(signature.split())
    if language == "python":
        start = signature.find("(")
        if start < 0:
            return [], []
        inner = signature[start + 1 : signature.rfind(")")]
        bases = [_strip_generics(p) for p in _split_top(inner) if "=" not in p]
        return [b for b in bases if b and not b.startswith("*")], []
    head = re.sub(r"<[^<>]*(?:<[^<>]*>[^<>]*)*>", "", signature)  # drop type parameters
    extends = re.search(r"\bextends\s+(.+?)(?=\s+implements\b|\s*\{|$)", head)
    implements = re.search(r"\bimplements\s+(.+?)(?=\s*\{|$)", head)
    ext = [_strip_generics(p) for p in _split_top(extends.group(1))] if extends else []
    imp = [_strip_generics(p) for p in _split_top(implements.group(1))] if implements else []
    return [e for e in ext if e], [i for i in imp if i]


def _class_attributes(
    lines: list[str], start: int, end: int, language: str
) -> list[tuple[str, str]]:
    """(name, type) of typed attributes in the class body at lines start..end (1-based)."""
    body = lines[start - 1 : end]
    found: list[tuple[str, str]] = []
    if language == "python":
        indent = None
        in_string = False
        for line in body[1:]:
            quotes = line.count('"""') + line.count("'''")
            if in_string or quotes:
                in_string = in_string != (quotes % 2 == 1)
                continue
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            own = len(line) - len(line.lstrip())
            if indent is None:
                indent = own
            match = _PY_ATTR.match(line)
            if (
                match
                and own == indent
                and match.group(2) not in _PY_KEYWORDS
                and match.group(3).strip()
            ):
                found.append((match.group(2), match.group(3).strip()))
            for m in _PY_SELF_ATTR.finditer(line):
                found.append((m.group(1), m.group(2).strip()))
            for m in _PY_SELF_NEW.finditer(line):
                found.append((m.group(1), m.group(2)))
    elif language in ("java", *JS_LANGUAGES):
        pattern = _JAVA_FIELD if language == "java" else _TS_FIELD
        depth = 0
        for line in body:
            if depth == 1 and "(" not in line and (match := pattern.match(line)):
                if language == "java":
                    found.append((match.group(2), match.group(1)))
                else:
                    found.append((match.group(1), match.group(2).strip()))
            depth += line.count("{") - line.count("}")
    seen: dict[str, str] = {}
    for name, type_ in found:
        seen.setdefault(name, type_)
    return list(seen.items())


# path, language, name, qualname, kind, signature, start line, end line, parent
_ClassRow = tuple[str, str, str, str, str, str, int, int, str | None]


def _class_nodes(
    rows: Sequence[_ClassRow],
) -> tuple[dict[str, ClassNode], dict[str, tuple[int, int]], dict[str, list[str]]]:
    """The classes of the symbol rows with their methods, keyed ``path::qualname``; their
    line spans; the keys of each class name."""
    classes: dict[str, ClassNode] = {}
    spans: dict[str, tuple[int, int]] = {}
    by_name: dict[str, list[str]] = defaultdict(list)
    for path, language, name, qualname, kind, signature, start, end, _parent in rows:
        if kind != "class":
            continue
        extends, implements = parse_bases(signature, language)
        node_id = f"{path}::{qualname}"
        is_interface = re.search(r"\binterface\b", signature) is not None
        classes[node_id] = ClassNode(
            id=node_id,
            name=name,
            qualname=qualname,
            kind="interface" if is_interface else "class",
            path=path,
            line=start,
            language=language,
            bases=extends + [f"implements {i}" for i in implements],
        )
        spans[node_id] = (start, end)
        by_name[name].append(node_id)
    for path, _language, name, _qualname, kind, _sig, _s, _e, parent in rows:
        owner = classes.get(f"{path}::{parent}") if kind == "method" and parent else None
        if owner is not None and name not in owner.methods:
            owner.methods.append(name)
    return classes, spans, by_name


def _class_edges(
    classes: dict[str, ClassNode], by_name: dict[str, list[str]], wanted: set[str]
) -> tuple[list[ClassEdge], set[str]]:
    """Inheritance and composition edges of the ``wanted`` classes, and the classes to
    show (the wanted ones and the bases outside them)."""

    def lookup(name: str, near: ClassNode) -> str:
        short = name.split(".")[-1]
        candidates = by_name.get(short, [])
        same_file = [c for c in candidates if classes[c].path == near.path]
        same_lang = [c for c in candidates if classes[c].language == near.language]
        chosen = (same_file or same_lang or [""])[0]
        return chosen or f"ext:{short}"

    edges: list[ClassEdge] = []
    shown = set(wanted)
    for node_id in sorted(wanted):
        node = classes[node_id]
        for base in node.bases:
            edge_kind: Literal["inherits", "implements"] = "inherits"
            if base.startswith("implements "):
                edge_kind, base = "implements", base.removeprefix("implements ")
            target = lookup(base, node)
            if target.startswith("ext:") or target not in wanted:
                shown.add(target)
            edges.append(ClassEdge(source=node_id, target=target, kind=edge_kind))
        for attr, type_ in node.attributes:
            for ident in dict.fromkeys(_IDENT.findall(type_)):
                targets = [c for c in by_name.get(ident, []) if c in wanted and c != node_id]
                if targets:
                    edges.append(
                        ClassEdge(source=node_id, target=targets[0], kind="composes", label=attr)
                    )
    return edges, shown


def class_diagram(db: Database, project: str | int, *, scope: str | None = None) -> ClassDiagram:
    """Classes of the snapshot with methods, inheritance and composition (typed
    attributes, best effort: Python annotations and ``self.x = Foo(...)``, Java and
    TypeScript fields)."""
    ref = resolve_project(db, project)
    snapshot_id = require_snapshot(ref)
    prefix = scope_prefix(scope)
    with db.session() as s:
        rows = s.execute(
            select(
                FileVersion.path,
                FileVersion.language,
                SymbolRow.name,
                SymbolRow.qualname,
                SymbolRow.kind,
                SymbolRow.signature,
                SymbolRow.start_line,
                SymbolRow.end_line,
                SymbolRow.parent,
            )
            .join(FileVersion, FileVersion.id == SymbolRow.file_id)
            .join(SnapshotFile, SnapshotFile.file_id == SymbolRow.file_id)
            .where(SnapshotFile.snapshot_id == snapshot_id)
            .where(SymbolRow.kind.in_(("class", "method")))
            .order_by(FileVersion.path, SymbolRow.start_line)
        ).all()
    classes, spans, by_name = _class_nodes(rows)

    wanted = {k for k, c in classes.items() if in_scope(c.path, prefix)}
    texts = {c.path for k, c in classes.items() if k in wanted}
    for item in snapshot_texts(db, ref.id):
        if item.path not in texts:
            continue
        lines = item.text.splitlines()
        for node_id in wanted:
            node = classes[node_id]
            if node.path == item.path:
                node.attributes = _class_attributes(lines, *spans[node_id], node.language)
    edges, shown = _class_edges(classes, by_name, wanted)
    result = [classes[k] for k in sorted(wanted)]
    for extra in sorted(shown - wanted):
        if extra.startswith("ext:"):
            result.append(ClassNode(id=extra, name=extra[4:], qualname=extra[4:], kind="external"))
        else:
            outside = classes[extra].model_copy(update={"kind": "external", "methods": []})
            result.append(outside)
    return ClassDiagram(
        project=ref.name,
        scope=prefix or None,
        classes=result,
        edges=edges,
        notes=[
            "bases resolved by name (same file, then same language); composition from "
            "typed attributes and self.x = Class(...) only"
        ],
    )


# ---------------------------------------------------------------- call graph

_CALLABLE = ("function", "method", "class")


@dataclass
class _CallIndex:
    """The callables in scope (``path::qualname`` -> node) and the ways to find them:
    by (file id, qualname) for callers, by name for callees, the path of each file."""

    nodes: dict[str, CallNode] = field(default_factory=dict)
    by_scope: dict[tuple[int, str | None], str] = field(default_factory=dict)
    by_name: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    path_of_file: dict[int, str] = field(default_factory=dict)

    @classmethod
    def of(
        cls, symbols: Iterable[tuple[int, str, str, str, str, int, float | None]], prefix: str
    ) -> _CallIndex:
        """Index the symbol rows (file id, path, name, qualname, kind, line, rank)."""
        index = cls()
        for file_id, path, name, qualname, kind, line, rank in symbols:
            if not in_scope(path, prefix):
                continue
            node_id = f"{path}::{qualname}"
            index.nodes[node_id] = CallNode(
                id=node_id,
                name=name,
                qualname=qualname,
                kind=kind,
                path=path,
                line=line,
                rank=rank or 0.0,
            )
            index.by_scope[(file_id, qualname)] = node_id
            index.by_name[name].append(node_id)
            index.path_of_file[file_id] = path
        return index

    def resolve(
        self,
        calls: Iterable[tuple[int, str | None, str, int]],
        deps: dict[str, dict[str, int]],
    ) -> tuple[dict[tuple[str, str], int], int]:
        """Call counts between callables, from the call references (file id, caller
        scope, callee name, count); and how many calls had no single target."""
        nodes = self.nodes
        weights: dict[tuple[str, str], int] = defaultdict(int)
        unresolved = 0
        for file_id, caller_scope, name, count in calls:
            caller = self.by_scope.get((file_id, caller_scope))
            if caller is None or nodes[caller].kind == "class":
                continue
            candidates = self.by_name.get(name)
            if not candidates:
                continue
            # A call reference has a name, not the receiver's type: ``ctx.params.update()``
            # must not become a call to some ``ProgressBar.update``. A method is a target
            # only from inside its own class (``self.update()``); otherwise unresolved.
            caller_qualname = nodes[caller].qualname
            candidates = [
                c
                for c in candidates
                if nodes[c].kind != "method"
                or caller_qualname.startswith(nodes[c].qualname.rpartition(".")[0] + ".")
            ]
            if not candidates:
                unresolved += count
                continue
            path = self.path_of_file[file_id]
            imported = deps.get(path, {})
            chosen = [c for c in candidates if nodes[c].path == path]
            chosen = chosen or [c for c in candidates if nodes[c].path in imported]
            chosen = chosen or (candidates if len(candidates) == 1 else [])
            if not chosen:
                unresolved += count
                continue
            for target in chosen[:3]:
                if target != caller:
                    weights[(caller, target)] += count
        return weights, unresolved


def call_graph(
    db: Database, project: str | int, *, scope: str | None = None, max_nodes: int = 200
) -> CallGraph:
    """Function-level call graph from the stored call references, resolved by name:
    a definition in the caller's file first, then in the files it imports, then the
    only definition of that name in the project; other calls are left out. A method
    is only resolved from inside its own class (the receiver's type is not known, and
    a guess drew ``dict.update()`` as a call to an unrelated ``update`` method). The
    ``max_nodes`` functions with the highest PageRank are kept."""
    if max_nodes < 1:
        raise InvalidInput("max_nodes must be 1 or more")
    ref = resolve_project(db, project)
    snapshot_id = require_snapshot(ref)
    prefix = scope_prefix(scope)
    with db.session() as s:
        symbols = s.execute(
            select(
                SymbolRow.file_id,
                FileVersion.path,
                SymbolRow.name,
                SymbolRow.qualname,
                SymbolRow.kind,
                SymbolRow.start_line,
                SymbolRow.rank,
            )
            .join(FileVersion, FileVersion.id == SymbolRow.file_id)
            .join(SnapshotFile, SnapshotFile.file_id == SymbolRow.file_id)
            .where(SnapshotFile.snapshot_id == snapshot_id)
            .where(SymbolRow.kind.in_(_CALLABLE))
        ).all()
        calls = s.execute(
            select(ReferenceRow.file_id, ReferenceRow.scope, ReferenceRow.name, func.count())
            .join(SnapshotFile, SnapshotFile.file_id == ReferenceRow.file_id)
            .where(SnapshotFile.snapshot_id == snapshot_id)
            .where(ReferenceRow.kind == "call")
            .where(ReferenceRow.scope.is_not(None))
            .group_by(ReferenceRow.file_id, ReferenceRow.scope, ReferenceRow.name)
        ).all()
    index = _CallIndex.of(symbols, prefix)
    nodes = index.nodes
    weights, unresolved = index.resolve(calls, file_dependencies(db, ref.id))
    degree: dict[str, int] = defaultdict(int)
    for source, target in weights:
        degree[source] += 1
        degree[target] += 1
    connected = sorted(degree, key=lambda n: (-nodes[n].rank, -degree[n], n))
    kept = set(connected[:max_nodes])
    notes = [
        "best effort: calls are resolved by name (the caller's file, then files it "
        "imports, then a unique definition), without type inference; calls at module "
        "level are not shown"
    ]
    if unresolved:
        notes.append(f"{unresolved} calls to ambiguous names were left out")
    if len(connected) > max_nodes:
        notes.append(f"{len(connected) - max_nodes} more functions not shown")
    return CallGraph(
        project=ref.name,
        scope=prefix or None,
        nodes=sorted((nodes[n] for n in kept), key=lambda n: n.id),
        edges=[
            CallEdge(source=s, target=t, count=c)
            for (s, t), c in sorted(weights.items())
            if s in kept and t in kept
        ],
        total_nodes=len(connected),
        notes=notes,
    )
