"""Java dependencies for the sandbox: a project's Maven/Gradle coordinates resolved
against a local Maven repository, copied into a content-keyed environment and bound
read-only into the run (``/opt/devlab-env/maven``, on ``javac``'s and the test
launcher's class path).

Why a local repository and not Maven: resolving with ``mvn`` on the host would run the
project's build extensions and plugins there (build code the issue keeps off the host),
and the central repository is not reachable from every server. The repository read is
Debian's ``/usr/share/maven-repo`` (what the ``lib*-java`` packages ship) by default,
or one the team keeps (``maven_repo`` in the settings: e.g. a ``~/.m2/repository``
filled by their own Maven). Nothing is executed: POM files are read as data, jars copied.

Resolution, per coordinate ``group:artifact`` with the declared version: that version's
directory, else Debian's ``debian`` alias, else the newest version there (the report says
which was used). Runtime dependencies of each resolved POM (scopes compile/runtime, not
optional) follow, breadth first, up to ``MAX_DEPENDENCIES`` jars. JUnit and Hamcrest are
provided by the sandbox (its JUnit 5 console launcher and the vintage engine), so they
are not copied. Coordinates that are not plain names (``../``, spaces) are refused.
"""

from __future__ import annotations

import re
import shutil
import xml.etree.ElementTree as ET
from collections import deque
from pathlib import Path
from typing import Literal

from devlab.config import Settings
from devlab.progress import ProgressFn
from devlab.reverse import scan_texts
from devlab.sandbox import DependencyMount
from devlab.testing.envcache import (
    MAX_DEPENDENCIES,
    _key,
    _prepared,
    _settle,
    env_cache_root,
)
from devlab.testing.models import DependencyEnv, DependencyStatus

__all__ = ["DEBIAN_MAVEN_REPO", "DEPS_EXPORT", "maven_env"]

DEBIAN_MAVEN_REPO = Path("/usr/share/maven-repo")
_MOUNT = "/opt/devlab-env/maven"
# A sandbox script's line that lists the mounted jars in DEVLAB_DEPS (a class path). The
# shell expands them: JUnit's console launcher does not expand a "dir/*" entry as java does.
DEPS_EXPORT = f'd=$(printf "%s:" {_MOUNT}/*.jar); export DEVLAB_DEPS="${{d%:}}"\n'
_COORD = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.\-]{0,199}")
_PROVIDED_GROUPS = ("junit", "org.junit", "org.hamcrest", "org.opentest4j", "org.apiguardian")
_SKIPPED_SCOPES = frozenset({"test", "provided", "system", "import"})
MAX_POM_BYTES = 2_000_000


def _provided(group: str) -> bool:
    return any(group == g or group.startswith(g + ".") for g in _PROVIDED_GROUPS)


def _version_dir(repo: Path, group: str, artifact: str, version: str | None) -> Path | None:
    """The directory of the version used: the one declared, Debian's alias, the newest."""
    base = repo.joinpath(*group.split("."), artifact)
    if not base.is_dir():
        return None
    for wanted in (version, "debian"):
        if wanted and _COORD.fullmatch(wanted) and (base / wanted).is_dir():
            return base / wanted
    versions = sorted((p for p in base.iterdir() if p.is_dir()), key=_version_order)
    return versions[-1] if versions else None


def _version_order(path: Path) -> tuple[tuple[int, ...], str]:
    numbers = tuple(int(n) for n in re.findall(r"\d+", path.name)[:6])
    return numbers, path.name


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _pom_dependencies(pom: Path) -> list[tuple[str, str, str | None]]:
    """The runtime dependencies a repository POM declares: (group, artifact, version);
    a version that is a ``${property}`` is left to the alias/newest rule."""
    try:
        if pom.stat().st_size > MAX_POM_BYTES:
            return []
        root = ET.fromstring(pom.read_bytes())
    except (OSError, ET.ParseError):
        return []
    out = []
    for block in root:
        if _local(block.tag) != "dependencies":
            continue
        for dep in block:
            fields = {_local(child.tag): (child.text or "").strip() for child in dep}
            if (
                fields.get("scope", "compile") in _SKIPPED_SCOPES
                or fields.get("optional") == "true"
            ):
                continue
            version = fields.get("version") or None
            if version and "$" in version:
                version = None
            out.append((fields.get("groupId", ""), fields.get("artifactId", ""), version))
    return out


def _resolve(
    repo: Path, wanted: list[tuple[str, str, str | None]]
) -> tuple[dict[str, Path], dict[str, str]]:
    """Breadth first from the direct coordinates: jar per ``group:artifact`` found, and a
    reason per direct coordinate not found."""
    jars: dict[str, Path] = {}
    missing: dict[str, str] = {}
    seen: set[str] = set()
    queue = deque((g, a, v, True) for g, a, v in wanted)
    while queue and len(jars) < MAX_DEPENDENCIES:
        group, artifact, version, direct = queue.popleft()
        name = f"{group}:{artifact}"
        if name in seen or _provided(group):
            continue
        if not (_COORD.fullmatch(group) and _COORD.fullmatch(artifact)):
            continue  # a repository POM naming something that is not a coordinate
        seen.add(name)
        where = _version_dir(repo, group, artifact, version)
        if where is None:
            if direct:
                missing[name] = f"not in the Maven repository {repo}"
            continue
        jar = where / f"{artifact}-{where.name}.jar"
        if jar.is_file():  # a POM-only artifact (a BOM, a parent) brings no jar
            jars[name] = jar
        pom = where / f"{artifact}-{where.name}.pom"
        queue.extend((g, a, v, False) for g, a, v in _pom_dependencies(pom) if g and a)
    return jars, missing


def _identity(name: str, jar: Path) -> str:
    """What names a jar in the cache key: its coordinate, real path, size and mtime (a
    package upgrade that replaces the file in place makes a new environment)."""
    real = jar.resolve()
    st = real.stat()
    return f"{name}={real}:{st.st_size}:{st.st_mtime_ns}"


def _coordinate(spec: str) -> tuple[str, str, str | None]:
    """``group:artifact[:version]`` as its three parts."""
    parts = spec.split(":", 2)
    parts += [""] * (3 - len(parts))
    return parts[0], parts[1], parts[2] or None


def _wanted(manifests: dict[str, str]) -> list[DependencyStatus]:
    out: dict[str, DependencyStatus] = {}
    for dep in scan_texts(manifests.items()).dependencies:
        if dep.ecosystem != "Maven" or not dep.direct or dep.name in out:
            continue
        group, _, artifact = dep.name.partition(":")
        spec = f"{dep.name}:{dep.version}" if dep.version else dep.name
        status: Literal["installed", "failed", "provided"] = "installed"
        reason = ""
        if not (_COORD.fullmatch(group) and _COORD.fullmatch(artifact)):
            status, reason = "failed", "not a Maven coordinate (group:artifact of plain names)"
        elif _provided(group):
            status, reason = "provided", "the sandbox brings JUnit 5, JUnit 4 and Hamcrest"
        out[dep.name] = DependencyStatus(
            ecosystem="Maven", name=dep.name, spec=spec, status=status, reason=reason
        )
    return list(out.values())[:MAX_DEPENDENCIES]


def maven_env(
    manifests: dict[str, str],
    settings: Settings,
    *,
    progress: ProgressFn | None = None,
    repo: Path | None = None,
) -> tuple[DependencyEnv, list[DependencyMount]]:
    """The project's Java dependencies (pom.xml, build.gradle[.kts]) as jars ready to
    mount; each declared coordinate says where its jar came from, or why there is none."""
    repo = repo or settings.maven_repo or DEBIAN_MAVEN_REPO
    deps = _wanted(manifests)
    env = DependencyEnv(ecosystem="Maven", status="none", dependencies=deps)
    wanted = [d for d in deps if d.status == "installed"]
    if not wanted:
        return _settle(env), []
    if not repo.is_dir():
        for dep in wanted:
            dep.status = "failed"
            dep.reason = (
                f"no Maven repository at {repo}: install Debian's lib*-java packages "
                "or set maven_repo"
            )
        return _settle(env), []
    jars, missing = _resolve(repo, [_coordinate(d.spec) for d in wanted])
    for dep in wanted:
        if dep.name in missing:
            dep.status = "failed"
            dep.reason = (
                f"{missing[dep.name]}: install the Debian package that ships it "
                "(lib*-java) or point maven_repo at a repository that has it"
            )
        elif dep.name not in jars:  # resolved, but a POM-only artifact (a BOM, a parent)
            dep.reason = f"a POM without a jar in {repo}: its dependencies were followed"
        else:
            used = jars[dep.name].parent.name
            asked = _coordinate(dep.spec)[2] or "any"
            dep.reason = f"version {used} from {repo}"
            if asked != used:
                dep.reason += f" ({asked} asked)"
    env.key = _key("Maven", str(repo), sorted(_identity(n, p) for n, p in jars.items()))
    root = env_cache_root(settings) / f"maven-{env.key[:32]}"

    def copy(tmp: Path) -> None:
        (tmp / "jars").mkdir()
        for name, jar in sorted(jars.items()):
            shutil.copyfile(jar, tmp / "jars" / f"{name.replace(':', '_')}.jar")
        transitive = len(jars) - sum(n in jars for n in (d.name for d in wanted))
        env.message = f"{len(jars)} jars ({transitive} needed by the declared ones)"

    return _prepared(env, root, copy, ("jars", _MOUNT, ()), progress,
                     f"copying {len(jars)} jars")  # fmt: skip
