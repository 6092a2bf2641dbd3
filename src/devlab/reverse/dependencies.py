"""Dependency manifests and lock files -> one list of dependencies.

``parse_manifest(path, text)`` reads one file; ``scan_dependencies(root)`` walks a
directory (lock files are skipped by ingestion, so this reads the tree on disk)
and collects every manifest it knows, recording a broken one as an error and
going on with the rest.

Known files::

    requirements*.txt   PyPI  (-r includes and -c constraints inside the tree, extras,
                               markers, hashes)
    pyproject.toml      PyPI  ([project] dependencies + optional-dependencies,
                               [dependency-groups], [tool.poetry.*dependencies],
                               [tool.pdm.dev-dependencies], [tool.hatch.envs.*])
    poetry.lock         PyPI  (transitive, exact versions)
    Pipfile.lock        PyPI  (exact versions; "develop" is dev)
    package.json        npm   (dependencies, optionalDependencies, devDependencies;
                               workspace members and workspace:/file:/link: specs are
                               the project itself and dropped)
    package-lock.json   npm   (v1 "dependencies", v2/v3 "packages"; transitive)
    go.mod              Go    (require lines and blocks; "// indirect" is transitive)
    pom.xml             Maven (${property} resolved; DOCTYPE/ENTITY refused)
    setup.py, setup.cfg, Pipfile, yarn.lock, pnpm-lock.yaml, go.sum,
    build.gradle, build.gradle.kts: see ``manifests.py`` (setup.py is read
                               statically, never executed)

Names are normalised per ecosystem (PEP 503 for PyPI); ``version`` is set only
when it is exact (pinned or locked), otherwise ``spec`` holds the range.
"""

from __future__ import annotations

import json
import os
import re
import tomllib
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable
from pathlib import Path, PurePosixPath
from typing import Any

from devlab.errors import InvalidInput
from devlab.reverse.dependency_types import (
    Dependency,
    DependencyReport,
    ManifestError,
    ManifestParseError,
    from_requirement,
    line_of,
    normalize_name,
)
from devlab.reverse.manifests import EXTRA_PARSERS

SKIP_DIRS = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        "node_modules",
        ".venv",
        "venv",
        "site-packages",
        "__pycache__",
        ".tox",
        ".nox",
        ".mypy_cache",
        ".pytest_cache",
        "bower_components",
    }
)
# read by ``manifests.py`` (setup.py statically, never executed; the rest as data)
EXTRA_MANIFESTS = frozenset(
    {
        "setup.py",
        "setup.cfg",
        "Pipfile",
        "yarn.lock",
        "pnpm-lock.yaml",
        "go.sum",
        "build.gradle",
        "build.gradle.kts",
    }
)
_DECLARING = frozenset(
    {"requirements", "pyproject.toml", "package.json", "go.mod", "pom.xml"}
    | {"setup.py", "setup.cfg", "Pipfile", "build.gradle", "build.gradle.kts"}
)
_LOCKING = frozenset(
    {"poetry.lock", "Pipfile.lock", "package-lock.json", "yarn.lock", "pnpm-lock.yaml", "go.sum"}
)
_REQ_NAME = re.compile(r"^requirements.*\.(txt|in)$|.*requirements\.txt$", re.IGNORECASE)
_EXACT_SEMVER = re.compile(r"^v?\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$")


def manifest_kind(path: str) -> str | None:
    """Which parser reads ``path`` (by file name), or None."""
    name = PurePosixPath(path).name
    if (
        name
        in {
            "pyproject.toml",
            "poetry.lock",
            "Pipfile.lock",
            "package.json",
            "package-lock.json",
            "go.mod",
            "pom.xml",
        }
        or name in EXTRA_MANIFESTS
    ):
        return name
    if _REQ_NAME.match(name):
        return "requirements"
    return None


# --------------------------------------------------------------------- PyPI


def _logical_lines(text: str) -> Iterable[tuple[int, str]]:
    """Requirement lines with continuations joined and comments removed."""
    buf, start = "", 0
    for no, raw in enumerate(text.splitlines(), 1):
        line = re.sub(r"(^|\s)#.*$", "", raw)
        if not buf:
            start = no
        if line.rstrip().endswith("\\"):
            buf += line.rstrip()[:-1] + " "
            continue
        buf += line
        if buf.strip():
            yield start, buf.strip()
        buf = ""
    if buf.strip():
        yield start, buf.strip()


def parse_requirements(
    path: str, text: str, include: Callable[[str, str], list[Dependency]] | None = None
) -> list[Dependency]:
    """requirements*.txt; ``include(from_path, target)`` resolves ``-r`` lines."""
    deps: list[Dependency] = []
    pins: dict[str, str] = {}  # from -c constraints files: name -> exact version
    dev = bool(re.search(r"(dev|test|lint|doc)", PurePosixPath(path).name, re.IGNORECASE))
    for no, line in _logical_lines(text):
        m = re.match(r"^(-r|--requirement|-c|--constraint)(?:\s+|=)(\S+)", line)
        if m:
            if include is not None and m.group(1) in ("-c", "--constraint"):
                # a constraint pins versions; it declares nothing by itself
                for pin in include(path, m.group(2)):
                    if pin.version:
                        pins[pin.name] = pin.version
            elif include is not None:
                deps.extend(include(path, m.group(2)))
            continue
        if line.startswith("-"):  # -c, -e, --index-url, --hash on its own ...
            egg = re.search(r"#egg=([A-Za-z0-9_.-]+)", line)
            if line.startswith(("-e", "--editable")) and egg:
                deps.append(
                    Dependency(
                        ecosystem="PyPI",
                        name=normalize_name("PyPI", egg.group(1)),
                        spec=line.split(None, 1)[-1],
                        dev=dev,
                        manifest=path,
                        line=no,
                    )
                )
            continue
        line = re.sub(r"\s--hash[=\s]\S+", "", line)
        line = re.sub(r"\s--[a-z-]+(?:[=\s]\S+)?", "", line).strip()
        if not line:
            continue
        deps.append(from_requirement(line, path, no, dev=dev))
    for dep in deps:
        if dep.version is None and dep.name in pins:
            dep.version, dep.spec = pins[dep.name], dep.spec
    return deps


def _poetry_dep(name: str, value: object, path: str, text: str, dev: bool) -> Dependency:
    spec = value.get("version") if isinstance(value, dict) else value
    spec = spec if isinstance(spec, str) else None
    version = None
    if spec:
        bare = spec.strip().removeprefix("==").strip()
        if re.fullmatch(r"\d+(\.\d+)*([a-zA-Z0-9.+-]*)", bare) and not spec.startswith(("^", "~")):
            version, spec = bare, None
    if spec is None and version is None and isinstance(value, dict):
        spec = next((f"{k}:{value[k]}" for k in ("git", "path", "url") if k in value), None)
    return Dependency(
        ecosystem="PyPI",
        name=normalize_name("PyPI", name),
        version=version,
        spec=spec,
        dev=dev,
        manifest=path,
        line=line_of(text, f"\n{name}") or line_of(text, name),
    )


def parse_pyproject(path: str, text: str) -> list[Dependency]:
    data = tomllib.loads(text)
    deps: list[Dependency] = []

    def add(req: str, dev: bool) -> None:
        deps.append(from_requirement(req, path, line_of(text, req), dev=dev))

    project = data.get("project", {})
    for req in project.get("dependencies", []) or []:
        add(req, False)
    for group, reqs in (project.get("optional-dependencies", {}) or {}).items():
        is_dev = bool(re.search(r"dev|test|lint|doc", group, re.IGNORECASE))
        for req in reqs:
            add(req, is_dev)
    for reqs in (data.get("dependency-groups", {}) or {}).values():
        for req in reqs:
            if isinstance(req, str):
                add(req, True)
    poetry = data.get("tool", {}).get("poetry", {})
    tables: list[tuple[dict[str, Any], bool]] = [
        (poetry.get("dependencies", {}), False),
        (poetry.get("dev-dependencies", {}), True),
    ]
    for gname, group in (poetry.get("group", {}) or {}).items():
        tables.append((group.get("dependencies", {}), gname != "main"))
    for table, is_dev in tables:
        for name, value in (table or {}).items():
            if name.lower() == "python":
                continue
            deps.append(_poetry_dep(name, value, path, text, is_dev))
    tool = data.get("tool", {})
    # PDM: [tool.pdm.dev-dependencies] group = [...]
    for reqs in (tool.get("pdm", {}).get("dev-dependencies", {}) or {}).values():
        for req in reqs if isinstance(reqs, list) else []:
            if isinstance(req, str) and not req.startswith("-e"):
                add(req, True)
    # Hatch: [tool.hatch.envs.<env>] dependencies / extra-dependencies (tooling envs)
    for env in (tool.get("hatch", {}).get("envs", {}) or {}).values():
        for key in ("dependencies", "extra-dependencies"):
            for req in (env or {}).get(key, []) or []:
                if isinstance(req, str) and "{" not in req:
                    add(req, True)
    return deps


def parse_poetry_lock(path: str, text: str) -> list[Dependency]:
    data = tomllib.loads(text)
    deps = []
    pos = 0
    for pkg in data.get("package", []):
        name, version = pkg.get("name"), pkg.get("version")
        if not name or not version:
            raise ManifestParseError(f"{path}: a [[package]] lacks name or version")
        needle = f'name = "{name}"'
        line = line_of(text, needle, pos)
        if line is not None:
            pos = text.find(needle, pos) + 1
        groups = pkg.get("groups")
        dev = pkg.get("category") == "dev" or (bool(groups) and "main" not in groups)
        deps.append(
            Dependency(
                ecosystem="PyPI",
                name=normalize_name("PyPI", name),
                version=str(version),
                direct=False,
                dev=dev,
                manifest=path,
                line=line,
            )
        )
    return deps


def parse_pipfile_lock(path: str, text: str) -> list[Dependency]:
    data = _json(path, text)
    deps = []
    for section, dev in (("default", False), ("develop", True)):
        for name, entry in (data.get(section) or {}).items():
            raw = entry.get("version") if isinstance(entry, dict) else None
            version = (
                raw.removeprefix("==") if isinstance(raw, str) and raw.startswith("==") else None
            )
            deps.append(
                Dependency(
                    ecosystem="PyPI",
                    name=normalize_name("PyPI", name),
                    version=version,
                    spec=None if version else raw,
                    direct=False,
                    dev=dev,
                    manifest=path,
                    line=line_of(text, f'"{name}": {{'),
                )
            )
    return deps


# ---------------------------------------------------------------------- npm


def _json(path: str, text: str) -> dict[str, Any]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ManifestParseError(f"{path}: not valid JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise ManifestParseError(f"{path}: expected a JSON object")
    return data


def _npm_version(raw: str) -> tuple[str | None, str | None]:
    raw = raw.strip()
    if _EXACT_SEMVER.match(raw):
        return raw.removeprefix("v"), None
    return None, raw


def parse_package_json(path: str, text: str) -> list[Dependency]:
    data = _json(path, text)
    deps = []
    for section, dev in (
        ("dependencies", False),
        ("optionalDependencies", False),
        ("devDependencies", True),
    ):
        for name, raw in (data.get(section) or {}).items():
            if str(raw).startswith(("workspace:", "file:", "link:", "portal:")):
                continue  # the project's own package (a workspace member), not a dependency
            version, spec = _npm_version(str(raw))
            deps.append(
                Dependency(
                    ecosystem="npm",
                    name=name,
                    version=version,
                    spec=spec,
                    dev=dev,
                    manifest=path,
                    line=line_of(text, f'"{name}"'),
                )
            )
    return deps


def parse_package_lock(path: str, text: str) -> list[Dependency]:
    data = _json(path, text)
    deps: list[Dependency] = []
    packages = data.get("packages")
    if isinstance(packages, dict):
        root = packages.get("", {}) or {}
        direct_names = set()
        for section in ("dependencies", "devDependencies", "optionalDependencies"):
            direct_names |= set(root.get(section) or {})
        for key, entry in packages.items():
            if "node_modules/" not in key or not isinstance(entry, dict) or entry.get("link"):
                continue
            name = entry.get("name") or key.rsplit("node_modules/", 1)[1]
            version = entry.get("version")
            if not version:
                continue
            top = key.count("node_modules/") == 1 and key.startswith("node_modules/")
            v, spec = _npm_version(str(version))
            deps.append(
                Dependency(
                    ecosystem="npm",
                    name=name,
                    version=v,
                    spec=spec,
                    direct=top and name in direct_names,
                    dev=bool(entry.get("dev") or entry.get("devOptional")),
                    manifest=path,
                    line=line_of(text, f'"{key}"'),
                )
            )
        return deps

    def walk(tree: dict[str, Any], nested: bool) -> None:
        for name, entry in tree.items():
            if not isinstance(entry, dict):
                continue
            raw = str(entry.get("version", ""))
            if raw:
                v, spec = _npm_version(raw)
                deps.append(
                    Dependency(
                        ecosystem="npm",
                        name=name,
                        version=v,
                        spec=spec,
                        direct=False,
                        dev=bool(entry.get("dev")),
                        manifest=path,
                        line=line_of(text, f'"{name}": {{'),
                    )
                )
            walk(entry.get("dependencies") or {}, True)

    walk(data.get("dependencies") or {}, False)
    return deps


# ----------------------------------------------------------------------- Go


def parse_go_mod(path: str, text: str) -> list[Dependency]:
    deps = []
    in_block = False
    for no, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        indirect = bool(re.search(r"//\s*indirect\b", line))
        line = line.split("//", 1)[0].strip()
        if in_block:
            if line == ")":
                in_block = False
                continue
            body = line
        elif re.match(r"^require\s*\($", line):
            in_block = True
            continue
        elif line.startswith("require "):
            body = line[len("require ") :].strip()
        else:
            continue
        if not body:
            continue
        parts = body.split()
        if len(parts) != 2 or not parts[1].startswith("v"):
            raise ManifestParseError(f"{path}:{no}: cannot read require line {raw.strip()!r}")
        deps.append(
            Dependency(
                ecosystem="Go",
                name=parts[0],
                version=parts[1],
                direct=not indirect,
                manifest=path,
                line=no,
            )
        )
    if in_block:
        raise ManifestParseError(f"{path}: require block is not closed")
    return deps


# -------------------------------------------------------------------- Maven

_UNSAFE_XML = re.compile(r"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


def safe_xml(path: str, text: str) -> ET.Element:
    """Parse XML refusing DOCTYPE and entity declarations (XXE, entity expansion)."""
    if _UNSAFE_XML.search(text):
        raise ManifestParseError(
            f"{path}: refused: the XML declares a DOCTYPE or ENTITY (external entities and "
            "entity expansion are not allowed)"
        )
    try:
        return ET.fromstring(text)
    except ET.ParseError as exc:
        raise ManifestParseError(f"{path}: not well-formed XML: {exc}") from exc


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _child(el: ET.Element, name: str) -> ET.Element | None:
    return next((c for c in el if _local(c.tag) == name), None)


def _text(el: ET.Element | None, name: str) -> str | None:
    c = _child(el, name) if el is not None else None
    return c.text.strip() if c is not None and c.text else None


def parse_pom(path: str, text: str) -> list[Dependency]:
    root = safe_xml(path, text)
    if _local(root.tag) != "project":
        raise ManifestParseError(f"{path}: the root element is not <project>")
    props: dict[str, str] = {}
    parent = _child(root, "parent")
    for key in ("version", "groupId", "artifactId"):
        value = _text(root, key) or _text(parent, key)
        if value:
            props[f"project.{key}"] = value
            props[f"pom.{key}"] = value
    if parent is not None and _text(parent, "version"):
        props["project.parent.version"] = _text(parent, "version") or ""
    props_el = _child(root, "properties")
    if props_el is not None:
        for p in props_el:
            props[_local(p.tag)] = (p.text or "").strip()

    def resolve(value: str | None) -> str | None:
        if value is None:
            return None
        for _ in range(10):
            new = re.sub(r"\$\{([^}]+)\}", lambda m: props.get(m.group(1), m.group(0)), value)
            if new == value:
                break
            value = new
        return value

    managed: dict[str, str] = {}
    mgmt = _child(root, "dependencyManagement")
    mdeps = _child(mgmt, "dependencies") if mgmt is not None else None
    for d in mdeps if mdeps is not None else []:
        ver = resolve(_text(d, "version"))
        if ver:
            managed[f"{resolve(_text(d, 'groupId'))}:{resolve(_text(d, 'artifactId'))}"] = ver

    deps = []
    block = _child(root, "dependencies")
    for d in block if block is not None else []:
        if _local(d.tag) != "dependency":
            continue
        group, artifact = resolve(_text(d, "groupId")), resolve(_text(d, "artifactId"))
        if not group or not artifact:
            raise ManifestParseError(f"{path}: a <dependency> lacks groupId or artifactId")
        name = f"{group}:{artifact}"
        raw = resolve(_text(d, "version")) or managed.get(name)
        version = spec = None
        if raw and not re.search(r"[\[\]\(\),]|\$\{", raw):
            version = raw
        else:
            spec = raw
        deps.append(
            Dependency(
                ecosystem="Maven",
                name=name,
                version=version,
                spec=spec,
                dev=_text(d, "scope") == "test",
                manifest=path,
                line=line_of(text, f"<artifactId>{artifact}</artifactId>"),
            )
        )
    return deps


# ------------------------------------------------------------------ dispatch

_PARSERS: dict[str, Callable[[str, str], list[Dependency]]] = {
    "requirements": parse_requirements,
    "pyproject.toml": parse_pyproject,
    "poetry.lock": parse_poetry_lock,
    "Pipfile.lock": parse_pipfile_lock,
    "package.json": parse_package_json,
    "package-lock.json": parse_package_lock,
    "go.mod": parse_go_mod,
    "pom.xml": parse_pom,
}


def parse_manifest(path: str, text: str) -> list[Dependency]:
    """Dependencies declared in one manifest (``-r`` includes are not followed here).

    Raises ``ManifestParseError`` (an ``InvalidInput``) for a broken file and
    ``InvalidInput`` for a file name no parser knows."""
    kind = manifest_kind(path)
    if kind is None:
        raise InvalidInput(f"{path}: not a known dependency manifest")
    parser = _PARSERS.get(kind)
    if parser is None:
        parser = EXTRA_PARSERS[kind]
    try:
        return parser(path, text)
    except ManifestParseError:
        raise
    except (
        tomllib.TOMLDecodeError,
        ValueError,
        TypeError,
        AttributeError,
        KeyError,
        RecursionError,
    ) as exc:
        raise ManifestParseError(f"{path}: cannot parse: {exc}") from exc


def _mark_direct(
    report: DependencyReport, local_packages: set[str] | frozenset[str] = frozenset()
) -> None:
    """Lock-file entries declared by a manifest in the same directory are direct.

    npm dependencies on the project's own workspace packages (``local_packages``, the
    names of package.json files in the tree, or a ``workspace:`` / ``file:`` /
    ``link:`` spec) are the project itself, not third-party code: they are dropped.
    """
    if local_packages:
        report.dependencies = [
            d
            for d in report.dependencies
            if not (d.ecosystem == "npm" and d.name in local_packages)
        ]
    declared: dict[tuple[str, str, str], bool] = {}
    for d in report.dependencies:
        if d.direct and manifest_kind(d.manifest) in _DECLARING:
            key = (str(PurePosixPath(d.manifest).parent), d.ecosystem, d.name)
            declared[key] = True
    for d in report.dependencies:
        locked = manifest_kind(d.manifest) in _LOCKING
        if locked and (str(PurePosixPath(d.manifest).parent), d.ecosystem, d.name) in declared:
            d.direct = True


def _package_name(text: str) -> str | None:
    """The ``name`` of a package.json (a workspace member's own name)."""
    try:
        name = json.loads(text).get("name")
    except (ValueError, AttributeError):
        return None
    return name if isinstance(name, str) else None


def scan_dependencies(root: Path) -> DependencyReport:
    """Every known manifest under ``root`` (vendored and VCS directories skipped)."""
    root = Path(root).resolve()
    if not root.is_dir():
        raise InvalidInput(f"{root}: not a directory")
    report = DependencyReport()
    seen: set[Path] = set()
    local: set[str] = set()  # names of the tree's own npm packages (workspaces)

    def rel(p: Path) -> str:
        return p.relative_to(root).as_posix()

    def include(from_path: str, target: str) -> list[Dependency]:
        target_path = (root / from_path).parent.joinpath(target).resolve()
        if not target_path.is_relative_to(root):
            report.errors.append(
                ManifestError(path=from_path, message=f"-r {target}: outside the scanned tree")
            )
            return []
        if target_path in seen:
            return []
        seen.add(target_path)
        try:
            text = target_path.read_text(encoding="utf-8")
        except OSError as exc:
            report.errors.append(ManifestError(path=from_path, message=f"-r {target}: {exc}"))
            return []
        report.manifests.append(rel(target_path))
        return parse_requirements(rel(target_path), text, include)

    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS)
        for fname in sorted(filenames):
            full = Path(dirpath, fname)
            kind = manifest_kind(fname)
            if kind is None or full.is_symlink() or full.resolve() in seen:
                continue
            seen.add(full.resolve())
            path = rel(full)
            try:
                text = full.read_text(encoding="utf-8")
                if kind == "package.json" and path != "package.json":
                    local.add(_package_name(text) or "")
                if kind == "requirements":
                    deps = parse_requirements(path, text, include)
                else:
                    deps = parse_manifest(path, text)
            except (OSError, UnicodeDecodeError, InvalidInput) as exc:
                report.errors.append(ManifestError(path=path, message=str(exc)))
                continue
            report.manifests.append(path)
            report.dependencies.extend(deps)
    report.manifests.sort()
    _mark_direct(report, local - {""})
    return report


def scan_texts(files: Iterable[tuple[str, str]]) -> DependencyReport:
    """Like ``scan_dependencies`` over (path, text) pairs, e.g. a snapshot's files."""
    report = DependencyReport()
    texts = dict(files)

    def include(from_path: str, target: str) -> list[Dependency]:
        p = os.path.normpath(str(PurePosixPath(from_path).parent / target)).replace(os.sep, "/")
        if p in texts and manifest_kind(p) != "requirements":
            return parse_requirements(p, texts[p], include)
        return []

    for path, text in sorted(texts.items()):
        if manifest_kind(path) is None:
            continue
        try:
            if manifest_kind(path) == "requirements":
                deps = parse_requirements(path, text, include)
            else:
                deps = parse_manifest(path, text)
        except InvalidInput as exc:
            report.errors.append(ManifestError(path=path, message=str(exc)))
            continue
        report.manifests.append(path)
        report.dependencies.extend(deps)
    local = {
        _package_name(text) or ""
        for path, text in texts.items()
        if manifest_kind(path) == "package.json" and path != "package.json"
    }
    _mark_direct(report, local - {""})
    return report


__all__ = [
    "Dependency",
    "DependencyReport",
    "ManifestError",
    "ManifestParseError",
    "manifest_kind",
    "normalize_name",
    "parse_manifest",
    "safe_xml",
    "scan_dependencies",
    "scan_texts",
]
