"""More dependency manifests: setup.py, setup.cfg, Pipfile, yarn.lock, pnpm-lock, go.sum,
Gradle (Groovy and Kotlin DSL). ``dependencies.py`` dispatches to these by file name.

Each parser takes ``(path, text)`` and returns ``Dependency`` records, like the ones in
``dependencies.py``; a broken file raises ``ManifestParseError``.

``setup.py`` is **read, never executed**: it is parsed with ``ast`` and only literal
values are taken from the ``setup(...)`` call (``install_requires=[...]``,
``extras_require={...}``, ``tests_require``), following a keyword's value through
module-level names (``install_requires=REQUIRES`` where ``REQUIRES = [...]``) and
list concatenation. Anything computed (a file read, a function call) is not known
statically and is skipped; such a setup.py usually reads a requirements file, which
the scan reads anyway. Gradle build scripts are read line by line with bounded
patterns (no Groovy/Kotlin evaluation): string notation (``"g:a:v"``), map notation
(``group: "g", name: "a", version: "v"``) and ``$var`` / ``${var}`` versions defined
in the same script.
"""

from __future__ import annotations

import ast
import configparser
import re
import tomllib
from collections.abc import Iterator

import yaml

from devlab.reverse.dependency_types import (
    Dependency,
    ManifestParseError,
    from_requirement,
    line_of,
    normalize_name,
)

__all__ = ["EXTRA_PARSERS", "extra_manifest_kind"]

_DEV_GROUP = re.compile(r"dev|test|lint|doc|type|check", re.IGNORECASE)
MAX_AST_NODES = 200_000  # a setup.py larger than this is not a manifest to trust


# --------------------------------------------------------------------- setup.py


def _literal_strings(node: ast.AST | None, names: dict[str, ast.AST], depth: int = 0) -> list[str]:
    """The strings a list/tuple literal holds, following names and ``a + b``."""
    if node is None or depth > 8:
        return []
    if isinstance(node, ast.Name) and node.id in names:
        return _literal_strings(names[node.id], names, depth + 1)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left = _literal_strings(node.left, names, depth + 1)
        return left + _literal_strings(node.right, names, depth + 1)
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [line for line in node.value.splitlines() if line.strip()]
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        out: list[str] = []
        for item in node.elts:
            if isinstance(item, ast.Constant) and isinstance(item.value, str):
                out.append(item.value)
            elif isinstance(item, ast.Starred):
                out += _literal_strings(item.value, names, depth + 1)
        return out
    return []


def _literal_groups(node: ast.AST | None, names: dict[str, ast.AST]) -> dict[str, list[str]]:
    """``extras_require={"dev": [...], "socks": REQS}`` -> group -> requirement strings."""
    if isinstance(node, ast.Name) and node.id in names:
        node = names[node.id]
    groups: dict[str, list[str]] = {}
    if isinstance(node, ast.Dict):
        for key, value in zip(node.keys, node.values, strict=False):
            if isinstance(key, ast.Constant) and isinstance(key.value, str):
                groups[key.value] = _literal_strings(value, names)
    elif isinstance(node, ast.Call) and getattr(node.func, "id", "") == "dict":
        for kw in node.keywords:
            if kw.arg:
                groups[kw.arg] = _literal_strings(kw.value, names)
    return groups


def _setup_call(tree: ast.Module) -> ast.Call | None:
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name == "setup":
                return node
    return None


def parse_setup_py(path: str, text: str) -> list[Dependency]:
    """``setup(install_requires=..., extras_require=..., tests_require=...)``, statically."""
    try:
        tree = ast.parse(text, filename=path)
    except (SyntaxError, ValueError) as exc:
        raise ManifestParseError(f"{path}: cannot parse setup.py statically: {exc}") from exc
    if sum(1 for _ in ast.walk(tree)) > MAX_AST_NODES:
        raise ManifestParseError(f"{path}: too large to read as a manifest")
    names: dict[str, ast.AST] = {}
    for stmt in tree.body:
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
            target = stmt.targets[0]
            if isinstance(target, ast.Name):
                names[target.id] = stmt.value
        elif (
            isinstance(stmt, ast.AnnAssign)
            and isinstance(stmt.target, ast.Name)
            and stmt.value is not None
        ):
            names[stmt.target.id] = stmt.value
    call = _setup_call(tree)
    if call is None:
        return []
    kwargs = {kw.arg: kw.value for kw in call.keywords if kw.arg}
    deps: list[Dependency] = []

    def add(req: str, dev: bool) -> None:
        req = req.split("#", 1)[0].strip()
        if req and not req.startswith("-"):
            deps.append(from_requirement(req, path, line_of(text, req), dev=dev))

    for req in _literal_strings(kwargs.get("install_requires"), names):
        add(req, False)
    for req in _literal_strings(kwargs.get("tests_require"), names):
        add(req, True)
    for group, reqs in _literal_groups(kwargs.get("extras_require"), names).items():
        for req in reqs:
            add(req, bool(_DEV_GROUP.search(group)))
    return deps


# --------------------------------------------------------------------- setup.cfg


def parse_setup_cfg(path: str, text: str) -> list[Dependency]:
    """``[options] install_requires`` / ``tests_require`` and ``[options.extras_require]``."""
    cfg = configparser.ConfigParser(interpolation=None, strict=False)
    try:
        cfg.read_string(text, source=path)
    except configparser.Error as exc:
        raise ManifestParseError(f"{path}: {exc}") from exc
    deps: list[Dependency] = []

    def add_lines(value: str, dev: bool) -> None:
        for raw in value.splitlines():
            req = raw.split("#", 1)[0].strip()
            if req and not req.startswith(("file:", "-", "attr:")):
                deps.append(from_requirement(req, path, line_of(text, req), dev=dev))

    if cfg.has_section("options"):
        add_lines(cfg.get("options", "install_requires", fallback=""), False)
        add_lines(cfg.get("options", "tests_require", fallback=""), True)
    if cfg.has_section("options.extras_require"):
        for group, value in cfg.items("options.extras_require"):
            add_lines(value, bool(_DEV_GROUP.search(group)))
    return deps


# --------------------------------------------------------------------- Pipfile


def parse_pipfile(path: str, text: str) -> list[Dependency]:
    """``[packages]`` and ``[dev-packages]`` (``"*"``, ``"==1.2"``, ``{version = ...}``)."""
    data = tomllib.loads(text)
    deps: list[Dependency] = []
    for table, dev in (("packages", False), ("dev-packages", True)):
        for name, value in (data.get(table) or {}).items():
            spec = value.get("version") if isinstance(value, dict) else value
            extras = value.get("extras") if isinstance(value, dict) else None
            spec = "" if not isinstance(spec, str) or spec.strip() == "*" else spec.strip()
            if spec and spec[0].isdigit():
                spec = "==" + spec
            req = name + (f"[{','.join(extras)}]" if isinstance(extras, list) else "") + spec
            if (
                isinstance(value, dict)
                and not spec
                and any(k in value for k in ("git", "path", "file"))
            ):
                source = next(f"{k}:{value[k]}" for k in ("git", "path", "file") if k in value)
                deps.append(
                    Dependency(
                        ecosystem="PyPI",
                        name=normalize_name("PyPI", name),
                        spec=source,
                        dev=dev,
                        manifest=path,
                        line=line_of(text, name),
                    )
                )
                continue
            deps.append(from_requirement(req, path, line_of(text, f"\n{name}"), dev=dev))
    return deps


# --------------------------------------------------------------------- npm locks


def _npm_name(spec: str) -> str:
    """``"@scope/pkg@npm:^1.0"`` -> ``"@scope/pkg"``."""
    at = spec.find("@", 1)
    return spec[:at] if at > 0 else spec


def parse_yarn_lock(path: str, text: str) -> list[Dependency]:
    """yarn.lock, classic (v1) and Berry (YAML-like): one entry per locked package."""
    deps: list[Dependency] = []
    names: list[str] = []
    header_line = 0
    for no, raw in enumerate(text.splitlines(), 1):
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        if not raw[0].isspace():
            header = raw.rstrip().rstrip(":")
            specs = [s.strip().strip('"') for s in header.split(",")]
            names = sorted({_npm_name(s) for s in specs if s and s != "__metadata"})
            if any("@workspace:" in s or "@link:" in s or "@portal:" in s for s in specs):
                names = []  # the project's own workspace packages, not dependencies
            header_line = no
            continue
        stripped = raw.strip()
        if names and raw.startswith("  ") and not raw.startswith("   "):
            m = re.match(r'version:?\s+"?([^"\s]+)"?$', stripped)
            if m:
                for name in names:
                    deps.append(
                        Dependency(
                            ecosystem="npm",
                            name=name,
                            version=m.group(1),
                            direct=False,
                            manifest=path,
                            line=header_line,
                        )
                    )
                names = []
    return deps


_PNPM_KEY = re.compile(r"^/?((?:@[^/@]+/)?[^/@(]+)[@/]([^/@(_]+)")


def parse_pnpm_lock(path: str, text: str) -> list[Dependency]:
    """pnpm-lock.yaml (lockfile v5, v6 and v9): ``packages`` keys, importers are direct."""
    try:
        data = yaml.load(text, Loader=yaml.CSafeLoader)
    except yaml.YAMLError as exc:
        raise ManifestParseError(f"{path}: {exc}") from exc
    if not isinstance(data, dict):
        raise ManifestParseError(f"{path}: not a pnpm lock file")
    direct: set[str] = set()
    importers = data.get("importers") or {".": data}
    for importer in importers.values() if isinstance(importers, dict) else []:
        for table in ("dependencies", "devDependencies", "optionalDependencies"):
            direct.update((importer or {}).get(table) or {})
    deps: list[Dependency] = []
    dev_only = {}
    for key, info in (data.get("packages") or {}).items():
        m = _PNPM_KEY.match(str(key))
        if not m:
            continue
        name, version = m.group(1), m.group(2)
        dev_only[name] = bool(isinstance(info, dict) and info.get("dev"))
        deps.append(
            Dependency(
                ecosystem="npm",
                name=name,
                version=version,
                direct=name in direct,
                dev=dev_only[name],
                manifest=path,
                line=line_of(text, str(key)),
            )
        )
    return deps


# --------------------------------------------------------------------- go.sum


def parse_go_sum(path: str, text: str) -> list[Dependency]:
    """go.sum: every module version the build hashed (``/go.mod``-only lines skipped:
    those versions were only consulted for the module graph, not built)."""
    deps: list[Dependency] = []
    seen: set[tuple[str, str]] = set()
    for no, line in enumerate(text.splitlines(), 1):
        parts = line.split()
        if len(parts) != 3 or not parts[2].startswith("h1:"):
            if line.strip():
                raise ManifestParseError(f"{path}:{no}: not a go.sum line: {line[:80]!r}")
            continue
        module, version = parts[0], parts[1]
        if version.endswith("/go.mod") or (module, version) in seen:
            continue
        seen.add((module, version))
        deps.append(
            Dependency(
                ecosystem="Go",
                name=module,
                version=version.removesuffix("+incompatible"),
                direct=False,
                manifest=path,
                line=no,
            )
        )
    return deps


# --------------------------------------------------------------------- Gradle

_GRADLE_CONFIG = (
    r"(?:implementation|api|compile|compileOnly|runtimeOnly|runtime|classpath|kapt|ksp"
    r"|annotationProcessor|testImplementation|testCompile|testCompileOnly|testRuntimeOnly"
    r"|androidTestImplementation|debugImplementation|releaseImplementation"
    r"|testFixturesImplementation|developmentOnly)"
)
# implementation 'g:a:v' / implementation("g:a:v") / implementation(platform("g:a:v"))
_GRADLE_STRING = re.compile(
    rf"^\s*({_GRADLE_CONFIG})\s*\(?\s*(?:(?:enforcedPlatform|platform)\s*\(\s*)?"
    r"[\"']([^\"':\s]{1,200}):([^\"':\s]{1,200})(?::([^\"'\s@]{1,100}))?"
)
# implementation group: 'g', name: 'a', version: 'v'  (Kotlin: group = "g", ...)
_GRADLE_MAP = re.compile(rf"^\s*({_GRADLE_CONFIG})\s*\(?\s*group\s*[:=]")
_GRADLE_MAP_FIELD = re.compile(r"\b(group|name|version)\s*[:=]\s*[\"']([^\"']{1,200})[\"']")
_GRADLE_VAR = re.compile(
    r"^\s*(?:def|val|var|ext\.|extra\[\")?\s*([A-Za-z_][\w.]{0,100})\"?\]?\s*(?::\s*\w+\s*)?"
    r"=\s*[\"']([^\"'$]{1,100})[\"']"
)
_GRADLE_REF = re.compile(r"\$\{?([A-Za-z_][\w.]{0,100})\}?")


def _gradle_lines(text: str) -> Iterator[tuple[int, str]]:
    for no, raw in enumerate(text.splitlines(), 1):
        line = raw.split("//", 1)[0] if "//" in raw and "://" not in raw else raw
        if len(line) <= 2000:
            yield no, line


def parse_gradle(path: str, text: str) -> list[Dependency]:
    """build.gradle / build.gradle.kts dependency declarations (never evaluated)."""
    variables: dict[str, str] = {}
    for _, line in _gradle_lines(text):
        m = _GRADLE_VAR.match(line)
        if m:
            variables[m.group(1).removeprefix("ext.")] = m.group(2)

    def resolve(value: str | None) -> str | None:
        if value is None:
            return None
        return _GRADLE_REF.sub(lambda m: variables.get(m.group(1), m.group(0)), value)

    deps: list[Dependency] = []
    for no, line in _gradle_lines(text):
        m = _GRADLE_STRING.match(line)
        if m:
            config, group, artifact, raw = m.groups()
        elif (gm := _GRADLE_MAP.match(line)) is not None:
            config = gm.group(1)
            fields = dict(_GRADLE_MAP_FIELD.findall(line))
            group, artifact, raw = fields.get("group"), fields.get("name"), fields.get("version")
            if not group or not artifact:
                continue
        else:
            continue
        raw = resolve(raw)
        exact = raw is not None and not re.search(r"[\[\]\(\),+$]|latest", raw)
        deps.append(
            Dependency(
                ecosystem="Maven",
                name=f"{resolve(group)}:{resolve(artifact)}",
                version=raw if exact else None,
                spec=None if exact else raw,
                dev=config.startswith(("test", "androidTest")),
                manifest=path,
                line=no,
            )
        )
    return deps


# --------------------------------------------------------------------- dispatch

EXTRA_PARSERS = {
    "setup.py": parse_setup_py,
    "setup.cfg": parse_setup_cfg,
    "Pipfile": parse_pipfile,
    "yarn.lock": parse_yarn_lock,
    "pnpm-lock.yaml": parse_pnpm_lock,
    "go.sum": parse_go_sum,
    "build.gradle": parse_gradle,
    "build.gradle.kts": parse_gradle,
}


def extra_manifest_kind(name: str) -> str | None:
    """The parser key for a file name these parsers read, or None."""
    return name if name in EXTRA_PARSERS else None
