"""The dependency environment cache (issue 15): a project's declared dependencies are
installed on the host from prebuilt artefacts only, cached by content, and bound read-only
into the sandbox; what cannot be installed is named per dependency, and no package's
build or install code ever runs on the host.

Offline and self-contained: pip reads a local folder of wheels and sdists made here
(``PIP_NO_INDEX`` + ``PIP_FIND_LINKS``), npm installs local tarballs (``file:``)."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import shutil
import subprocess
import tarfile
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from devlab.config import Settings, load_settings
from devlab.sandbox import DependencyMount, SandboxRequest, run_code
from devlab.testing import ChaosRequest, load_scenario, measure_coverage, run_chaos
from devlab.testing.envcache import go_env, node_env, python_env
from devlab.workbench import Workbench
from lab_projects import ingest


def _wheel(folder: Path, name: str, version: str, module: str) -> Path:
    """A minimal pure-Python wheel (PEP 427) holding one module."""
    dist = f"{name}-{version}.dist-info"
    files = {
        f"{name}.py": module,
        f"{dist}/METADATA": f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n",
        f"{dist}/WHEEL": "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\n"
        "Tag: py3-none-any\n",
    }
    record = []
    for path, text in files.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(text.encode()).digest()).rstrip(b"=")
        record.append(f"{path},sha256={digest.decode()},{len(text.encode())}")
    files[f"{dist}/RECORD"] = "\n".join([*record, f"{dist}/RECORD,,"]) + "\n"
    out = folder / f"{name}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(out, "w") as zf:
        for path, text in files.items():
            zf.writestr(path, text)
    return out


def _sdist(folder: Path, name: str, version: str, marker: Path, *, breaks: bool = False) -> Path:
    """An sdist whose setup.py, if it ever ran on the host, would leave ``marker`` there
    (in the sandbox that path does not exist); ``breaks``: its build fails."""
    setup = (
        f"import pathlib\ntry:\n    pathlib.Path({str(marker)!r}).write_text('ran')\n"
        "except OSError:\n    pass\n"
        + ("raise SystemExit('this package does not build')\n" if breaks else "")
        + f"from setuptools import setup\nsetup(name={name!r}, version={version!r}, "
        f"py_modules=[{name!r}])\n"
    )
    out = folder / f"{name}-{version}.tar.gz"
    files = {
        "setup.py": setup,
        f"{name}.py": "ANSWER = 42\n",
        "PKG-INFO": f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n",
    }
    with tarfile.open(out, "w:gz") as tar:
        for rel, text in files.items():
            data = text.encode()
            info = tarfile.TarInfo(f"{name}-{version}/{rel}")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return out


@pytest.fixture
def lab_settings(tmp_path: Path) -> Iterator[Settings]:
    """A home of its own and an environment cache the sandbox's run uids can reach
    (``tmp_path`` is private to root; ``/var/tmp`` is not)."""
    cache = Path(tempfile.mkdtemp(prefix="devlab-envs-", dir="/var/tmp"))
    cache.chmod(0o755)
    yield load_settings(home=tmp_path / "home", sandbox_env_cache=cache)
    shutil.rmtree(cache, ignore_errors=True)


@pytest.fixture
def local_index(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    index = tmp_path / "index"
    index.mkdir()
    _wheel(index, "tinylib", "1.0", "def double(x):\n    return 2 * x\n")
    marker = tmp_path / "BUILD-CODE-RAN"
    _sdist(index, "needsbuild", "1.0", marker)
    _sdist(index, "badbuild", "1.0", marker, breaks=True)
    monkeypatch.setenv("PIP_NO_INDEX", "1")
    monkeypatch.setenv("PIP_FIND_LINKS", str(index))
    return index, marker


@pytest.mark.slow
@pytest.mark.sandbox
def test_python_dependencies_are_wheels_only_cached_and_visible_in_the_sandbox(
    lab_bench: Workbench, tmp_path: Path, local_index: tuple[Path, Path]
) -> None:
    _, marker = local_index
    ingest(
        lab_bench,
        tmp_path,
        "uses",
        {
            "requirements.txt": "tinylib==1.0\nneedsbuild==1.0\nbadbuild==1.0\npytest>=7\n",
            "uses/__init__.py": "",
            "uses/calc.py": "from tinylib import double\nfrom needsbuild import ANSWER\n\n"
            "def quad(x):\n    return double(double(x)) + ANSWER - 42\n",
            "tests/test_calc.py": "from uses.calc import quad\n\ndef test_quad():\n"
            "    assert quad(3) == 12\n",
        },
    )
    report = measure_coverage(lab_bench.db, lab_bench.settings, "uses")
    assert report.status == "ok", report.message
    assert report.summary.line_percent == 100.0
    env = report.dependencies
    assert env is not None and env.status == "partial" and not env.cached
    fate = {d.name: d for d in env.dependencies}
    assert fate["tinylib"].status == "installed"
    # no wheel: built from its sdist inside the sandbox, installed like a wheel
    assert fate["needsbuild"].status == "installed", fate["needsbuild"].reason
    assert "built from its sdist in the sandbox" in fate["needsbuild"].reason
    assert fate["badbuild"].status == "failed"
    assert "building it in the sandbox failed" in fate["badbuild"].reason
    assert "does not build" in fate["badbuild"].reason
    assert fate["pytest"].status == "provided"
    assert not marker.exists(), "an sdist's setup.py ran on the host"
    assert "badbuild" in report.message
    again = measure_coverage(lab_bench.db, lab_bench.settings, "uses")
    assert again.dependencies is not None and again.dependencies.cached
    assert again.status == "ok"
    without = measure_coverage(lab_bench.db, lab_bench.settings, "uses", install=False)
    assert without.status != "ok"  # tinylib is really needed: the test cannot import it


@pytest.mark.slow
@pytest.mark.sandbox
def test_a_python_service_under_chaos_gets_its_declared_dependencies(
    lab_bench: Workbench, tmp_path: Path, local_index: tuple[Path, Path]
) -> None:
    app = (
        "from flask import Flask\nfrom tinylib import double\n\napp = Flask(__name__)\n\n\n"
        "def load():\n    return double(21)\n\n\n"
        "@app.route('/answer')\ndef answer():\n    return str(load())\n"
    )
    ingest(lab_bench, tmp_path, "svc", {"requirements.txt": "tinylib==1.0\n",
                                         "svc/__init__.py": "", "svc/app.py": app})  # fmt: skip
    scenario = load_scenario(
        "title: load fails\nsteady_state: {probes: [{path: /answer}], requests: 2}\n"
        "method:\n  - {type: exception, target: svc.app.load}\n"
    )
    request = ChaosRequest(project="svc", definition=scenario)
    result = run_chaos(lab_bench.db, lab_bench.settings, request).results[0]
    assert result.dependencies is not None and result.dependencies.status == "ready"
    assert [d.status for d in result.dependencies.dependencies] == ["installed"]
    assert result.phases["before"].statuses == {"200": 2}, result.message
    assert result.phases["during"].errors == 2 and result.verdict != "error"
    # without the environment the service cannot even import: said, not a crash
    request = request.model_copy(update={"install_dependencies": False})
    bare = run_chaos(lab_bench.db, lab_bench.settings, request).results[0]
    assert bare.dependencies is None and bare.verdict == "error"
    assert "tinylib" in bare.message, bare.message


def test_nothing_declared_means_no_environment(lab_settings: Settings) -> None:
    env, mounts = python_env({"setup.py": "from setuptools import setup\nsetup(name='x')\n"},
                             lab_settings)  # fmt: skip
    assert env.status == "none" and mounts == []
    env, mounts = node_env({"package.json": '{"name": "x"}'}, lab_settings)
    assert env.status == "none" and mounts == []
    env, _ = node_env({"package.json": "not json"}, lab_settings)
    assert env.status == "none"


@pytest.mark.slow
def test_an_unreachable_dependency_is_named_and_nothing_is_cached(
    lab_settings: Settings, local_index: tuple[Path, Path]
) -> None:
    manifests = {"pyproject.toml": '[project]\nname = "p"\ndependencies = ["nosuchpkg>=1"]\n'}
    env, mounts = python_env(manifests, lab_settings)
    assert env.status == "failed" and mounts == []
    (dep,) = env.dependencies
    assert dep.name == "nosuchpkg" and dep.status == "failed" and dep.reason
    assert lab_settings.sandbox_env_cache is not None
    assert not list(lab_settings.sandbox_env_cache.glob("python-*/env.json"))


def test_a_mount_outside_the_mount_points_is_refused(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path / "home")
    for dest in ("/etc", "/opt/devlab-env/../../etc", "/work/x"):
        request = SandboxRequest(language="python", code="print(1)")
        with pytest.raises(ValueError, match="mount"):
            run_code(request, settings, mounts=[DependencyMount(str(tmp_path), dest, "k")])


def _npm_tarball(folder: Path, name: str, marker: Path, postinstall: str = "") -> Path:
    """A package whose postinstall writes ``star.txt`` (which ``index.js`` reads) and,
    were it run on the host, ``marker`` (a path the sandbox does not have)."""
    pkg = folder / name
    pkg.mkdir()
    script = postinstall or (
        f"node -e \"try {{ require('fs').writeFileSync('{marker}', 'x') }} catch (e) {{}}\" && "
        "node -e \"require('fs').writeFileSync('star.txt', '*')\""
    )
    (pkg / "package.json").write_text(json.dumps(
        {"name": name, "version": "1.0.0", "main": "index.js",
         "scripts": {"postinstall": script}}
    ))  # fmt: skip
    (pkg / "index.js").write_text(
        "const star = require('fs').readFileSync(__dirname + '/star.txt', 'utf8');\n"
        "module.exports = (s) => s.padStart(5, star);\n"
    )
    out = subprocess.run(
        ["npm", "pack", "--silent", "--pack-destination", str(folder)],
        cwd=pkg, capture_output=True, text=True, check=True, timeout=120,
    )  # fmt: skip
    return folder / out.stdout.strip().splitlines()[-1]


@pytest.mark.slow
@pytest.mark.sandbox
@pytest.mark.skipif(shutil.which("npm") is None, reason="npm is not installed")
def test_npm_install_scripts_run_in_the_sandbox_and_node_resolves_the_built_packages(
    lab_bench: Workbench, tmp_path: Path
) -> None:
    marker = tmp_path / "INSTALL-SCRIPT-RAN"
    tarball = _npm_tarball(tmp_path, "padder", marker)
    broken = _npm_tarball(tmp_path, "broken", marker, "echo cannot build >&2; exit 3")
    deps = {"padder": f"file:{tarball}", "broken": f"file:{broken}"}
    package = {"name": "app", "version": "1.0.0", "dependencies": deps}
    ingest(
        lab_bench,
        tmp_path / "src",
        "app",
        {
            "package.json": json.dumps(package),
            "lib/show.js": "const pad = require('padder');\nmodule.exports = (s) => pad(s);\n",
            "test/show.test.js": "const test = require('node:test');\n"
            "const assert = require('node:assert');\nconst show = require('../lib/show');\n"
            "test('pads', () => assert.strictEqual(show('ab'), '***ab'));\n",
        },
    )
    report = measure_coverage(lab_bench.db, lab_bench.settings, "app")
    assert report.status == "ok", report.message  # padder reads the star its script wrote
    env = report.dependencies
    assert env is not None and env.status == "partial"
    fate = {d.name: d for d in env.dependencies}
    assert fate["padder"].status == "installed"
    assert "install script ran in the sandbox" in fate["padder"].reason
    assert fate["broken"].status == "failed"
    assert "postinstall script exited with 3 in the sandbox: cannot build" in fate["broken"].reason
    assert not marker.exists(), "an install script ran on the host"
    cache = lab_bench.settings.sandbox_env_cache or lab_bench.settings.home / "envs"
    (star,) = cache.glob("node-*/node_modules/padder/star.txt")
    assert star.read_text() == "*" and not star.stat().st_mode & 0o222  # frozen read-only
    assert not star.parent.stat().st_mode & 0o222
    cached = measure_coverage(lab_bench.db, lab_bench.settings, "app")
    assert cached.dependencies is not None and cached.dependencies.cached


def _go_proxy(folder: Path) -> str:
    """A file-based Go module proxy holding example.com/greet v1.0.0 (GOPROXY=file://)."""
    module, version = "example.com/greet", "v1.0.0"
    at = folder / module / "@v"
    at.mkdir(parents=True)
    mod = f"module {module}\n\ngo 1.19\n"
    (at / "list").write_text(f"{version}\n")
    (at / f"{version}.info").write_text(json.dumps({"Version": version}))
    (at / f"{version}.mod").write_text(mod)
    with zipfile.ZipFile(at / f"{version}.zip", "w") as zf:
        zf.writestr(f"{module}@{version}/go.mod", mod)
        zf.writestr(
            f"{module}@{version}/greet.go",
            'package greet\n\nfunc Hello(name string) string { return "hello " + name }\n',
        )
    return f"file://{folder}"


@pytest.mark.slow
@pytest.mark.sandbox
@pytest.mark.skipif(shutil.which("go") is None, reason="go is not installed")
def test_go_modules_download_into_a_cache_the_offline_build_reads(
    lab_settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GOPROXY", _go_proxy(tmp_path / "proxy"))
    monkeypatch.setenv("GOSUMDB", "off")
    go_mod = "module app\n\ngo 1.19\n\nrequire example.com/greet v1.0.0\n"
    env, mounts = go_env({"go.mod": go_mod}, lab_settings)
    assert env.status == "ready", env
    files = {
        "go.mod": go_mod,
        "main.go": 'package main\n\nimport "example.com/greet"\n\n'
        'func Greeting() string { return greet.Hello("go") }\n\nfunc main() {}\n',
        "main_test.go": 'package main\n\nimport "testing"\n\nfunc TestGreeting(t *testing.T) {\n'
        '\tif Greeting() != "hello go" {\n\t\tt.Fatal(Greeting())\n\t}\n}\n',
    }
    request = SandboxRequest(language="go", mode="test", files=files)
    result = run_code(request, lab_settings, mounts=mounts)
    assert result.status == "ok", result.stderr[-2000:]
    assert [t.outcome for t in result.tests] == ["passed"]
    missing, _ = go_env({"go.mod": go_mod.replace("greet v1.0.0", "greet v9.9.9")}, lab_settings)
    assert missing.status == "failed" and "v9.9.9" in missing.dependencies[0].reason


@pytest.mark.slow
@pytest.mark.sandbox
@pytest.mark.skipif(shutil.which("go") is None, reason="go is not installed")
def test_a_go_projects_coverage_runs_with_its_required_modules(
    lab_bench: Workbench, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GOPROXY", _go_proxy(tmp_path / "proxy"))
    monkeypatch.setenv("GOSUMDB", "off")
    ingest(
        lab_bench,
        tmp_path / "src",
        "hello",
        {
            "go.mod": "module example.com/hello\n\ngo 1.19\n\nrequire example.com/greet v1.0.0\n",
            "hello.go": 'package hello\n\nimport "example.com/greet"\n\n'
            'func Greeting() string { return greet.Hello("go") }\n',
            "hello_test.go": 'package hello\n\nimport "testing"\n\n'
            "func TestGreeting(t *testing.T) {\n"
            '\tif Greeting() != "hello go" {\n\t\tt.Fatal(Greeting())\n\t}\n}\n',
        },
    )
    report = measure_coverage(lab_bench.db, lab_bench.settings, "hello")
    assert report.language == "go" and report.status == "ok", report.message
    assert report.summary.line_percent == 100.0
    assert report.dependencies is not None and report.dependencies.status == "ready"


def test_the_sdist_picked_is_the_newest_final_release_the_spec_allows() -> None:
    from packaging.requirements import Requirement

    from devlab.testing.sdistbuild import _pick

    files = [("pkg-1.0.tar.gz", "a"), ("pkg-2.0rc1.tar.gz", "b"), ("pkg-1.5.zip", "c"),
             ("pkg_other-9.0.tar.gz", "d"), ("pkg-1.7-py3-none-any.whl", "e")]  # fmt: skip
    assert _pick(Requirement("pkg>=1"), files) == ("pkg-1.5.zip", "c")
    assert _pick(Requirement("pkg==2.0rc1"), files) == ("pkg-2.0rc1.tar.gz", "b")
    assert _pick(Requirement("pkg>3"), files) is None


def test_a_built_package_comes_back_only_as_plain_files_in_order(tmp_path: Path) -> None:
    from devlab.testing.npmscripts import _unpack, installable_order

    bad = io.BytesIO()
    with tarfile.open(fileobj=bad, mode="w:gz") as tar:
        link = tarfile.TarInfo("./passwd")
        link.type, link.linkname = tarfile.SYMTYPE, "/etc/passwd"
        tar.addfile(link)
    with pytest.raises(tarfile.TarError):  # a link out of the package is refused
        _unpack(bad.getvalue(), tmp_path / "out")
    modules = tmp_path / "node_modules"
    for name, deps in (("a", {"b": "1"}), ("b", {"c": "1", "x": "1"}), ("c", {})):
        (modules / name).mkdir(parents=True)
        (modules / name / "package.json").write_text(json.dumps({"dependencies": deps}))
    assert installable_order(modules, {"a", "b", "c"}) == ["c", "b", "a"]
