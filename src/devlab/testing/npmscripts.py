"""npm install scripts, run inside the sandbox, never on the host (issue 15).

The environment cache installs npm packages on the host with ``--ignore-scripts``: a
package's ``preinstall``/``install``/``postinstall`` is its own code and must not run
there. The packages that declare one are then built here: one sandbox run, with the
limits of any run and no network, sees the freshly installed ``node_modules`` read-only
at ``/work/node_modules``; a small node driver copies each such package into the run's
scratch (``/work/_devlab_build/node_modules/<name>``, so node still resolves its
dependencies from ``/work/node_modules`` and from the packages built before it), runs its
scripts in npm's order with npm's lifecycle variables, and prints the built package
as a gzipped tarball (base64, after a marker line). On the host each tarball is
unpacked with ``tarfile``'s ``data`` filter (no absolute paths, no links out, no device
files; its total size capped) in place of the package's directory. The cache is then
frozen read-only by ``envcache``.

Packages are built in dependency order (a package after the scripted packages it
depends on). A script that fails, times out, or needs the network names its package
with the script's last output line.
"""

from __future__ import annotations

import base64
import io
import json
import shutil
import tarfile
from pathlib import Path

from devlab.config import Settings
from devlab.sandbox import DependencyMount, Limits, SandboxRequest, run_code

__all__ = ["MAX_SCRIPTED", "installable_order", "run_install_scripts", "scripted_packages"]

MARK = "@@DEVLAB_NPM_BUILT@@"
MAX_SCRIPTED = 40  # packages built per environment (each one runs code in the sandbox)
MAX_UNPACKED = 256 * 1024 * 1024  # bytes a built package may unpack to on the host
MAX_MEMBERS = 50_000
EVENTS = ("preinstall", "install", "postinstall")
_DRIVER = r"""'use strict';
// DevLab's npm install-script runner (see devlab/testing/npmscripts.py).
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const spec = JSON.parse(fs.readFileSync(path.join(__dirname, '_devlab_scripts.json'), 'utf8'));
const SOURCE = '/work/node_modules';
const BUILD = path.join(__dirname, '_devlab_build', 'node_modules');
for (const name of spec.packages) {
  const dest = path.join(BUILD, name);
  const entry = { name, code: 0, log: '' };
  try {
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    fs.cpSync(path.join(SOURCE, name), dest, { recursive: true, verbatimSymlinks: true });
    const pkg = JSON.parse(fs.readFileSync(path.join(dest, 'package.json'), 'utf8'));
    const bins = [path.join(dest, 'node_modules', '.bin'), path.join(BUILD, '.bin'),
      path.join(SOURCE, '.bin'), process.env.PATH].join(':');
    for (const event of spec.events) {
      const script = (pkg.scripts || {})[event];
      if (typeof script !== 'string') continue;
      const env = { ...process.env, PATH: bins, HOME: '/tmp', npm_config_cache: '/tmp/.npm',
        INIT_CWD: __dirname, npm_lifecycle_event: event, npm_lifecycle_script: script,
        npm_package_name: String(pkg.name || name), npm_package_version: String(pkg.version || ''),
        npm_package_json: path.join(dest, 'package.json'), npm_node_execpath: process.execPath };
      const run = spawnSync('sh', ['-c', script], { cwd: dest, env, encoding: 'utf8',
        timeout: spec.timeout_ms, killSignal: 'SIGKILL', maxBuffer: 4 * 1024 * 1024 });
      entry.log += `> ${event}: ${script}\n` + (run.stdout || '') + (run.stderr || '');
      entry.code = run.status === null ? 124 : run.status;
      if (entry.code !== 0) { entry.event = event; break; }
    }
    if (entry.code === 0) {
      const tar = spawnSync('tar', ['-czf', '-', '-C', dest, '.'],
        { maxBuffer: spec.max_bytes, encoding: 'buffer' });
      if (tar.status === 0) entry.tar = tar.stdout.toString('base64');
      else { entry.code = 1; entry.log += '\npacking the built package failed'; }
    }
  } catch (err) {
    entry.code = 1; entry.log += '\n' + String(err && err.message || err);
  }
  entry.log = entry.log.slice(-2000);
  process.stdout.write('\n' + spec.mark + JSON.stringify(entry) + '\n');
}
"""


def scripted_packages(modules: Path) -> set[str]:
    """Installed packages (``name`` or ``@scope/name``) that declare an install script."""
    found = set()
    for pkg in [*modules.glob("*/package.json"), *modules.glob("@*/*/package.json")]:
        try:
            scripts = json.loads(pkg.read_text()).get("scripts") or {}
        except (OSError, ValueError, AttributeError):
            continue
        if isinstance(scripts, dict) and set(EVENTS) & set(scripts):
            found.add(pkg.parent.relative_to(modules).as_posix())
    return found


def installable_order(modules: Path, names: set[str]) -> list[str]:
    """``names`` with each package after the scripted packages it depends on (npm's
    order); a dependency cycle is broken by name."""
    needs: dict[str, set[str]] = {}
    for name in names:
        try:
            data = json.loads((modules / name / "package.json").read_text())
        except (OSError, ValueError):
            data = {}
        deps = set()
        for field in ("dependencies", "optionalDependencies"):
            section = data.get(field) if isinstance(data, dict) else None
            deps |= set(section) if isinstance(section, dict) else set()
        needs[name] = (deps & names) - {name}
    order: list[str] = []
    while needs:
        ready = sorted(n for n, d in needs.items() if not d - set(order)) or [min(needs)]
        order.append(ready[0])
        needs.pop(ready[0])
    return order


def _unpack(data: bytes, dest: Path) -> None:
    """Unpack a built package's tarball into ``dest`` (new), safely and within caps."""
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        members = tar.getmembers()
        if len(members) > MAX_MEMBERS or sum(m.size for m in members) > MAX_UNPACKED:
            raise ValueError(f"the built package is over {MAX_UNPACKED >> 20} MB or "
                             f"{MAX_MEMBERS} files")  # fmt: skip
        tar.extractall(dest, filter="data")


def _last_line(log: str) -> str:
    lines = [ln.strip() for ln in log.splitlines() if ln.strip()]
    return (lines[-1] if lines else "no output")[:300]


def run_install_scripts(
    modules: Path, names: list[str], settings: Settings, key: str
) -> dict[str, str]:
    """Run the install scripts of ``names`` (in that order) in the sandbox against the
    installed ``modules`` (bound read-only) and put each built package in place of its
    directory. Returns name -> "" when its scripts ran, else why not."""
    out = {name: f"more than {MAX_SCRIPTED} packages with install scripts: not built"
           for name in names[MAX_SCRIPTED:]}  # fmt: skip
    linked = [n for n in names[:MAX_SCRIPTED] if (modules / n).is_symlink()]
    out |= {n: "a linked local folder: its install script is not run (depend on a tarball "
            "of it instead)" for n in linked}  # fmt: skip
    names = [n for n in names[:MAX_SCRIPTED] if n not in linked]
    if not names:
        return out
    wall = min(300.0, settings.sandbox_max_wall_seconds)
    max_bytes = settings.sandbox_max_output_bytes
    spec = {"packages": names, "events": list(EVENTS), "mark": MARK, "max_bytes": max_bytes,
            "timeout_ms": int(1000 * max(10.0, wall - 10.0))}  # fmt: skip
    request = SandboxRequest(
        language="javascript", entry="_devlab_scripts.cjs",
        files={"_devlab_scripts.cjs": _DRIVER, "_devlab_scripts.json": json.dumps(spec)},
        limits=Limits(wall_seconds=wall, cpu_seconds=wall,
                      memory_mb=min(1024, settings.sandbox_max_memory_mb),
                      max_output_bytes=max_bytes,
                      max_disk_mb=min(1024, settings.sandbox_max_disk_mb)),
    )  # fmt: skip
    mount = DependencyMount(str(modules), "/work/node_modules", f"scripts-{key[:32]}")
    result = run_code(request, settings, mounts=[mount])
    reports = {}
    for line in result.stdout.splitlines():
        if line.startswith(MARK):
            entry = json.loads(line[len(MARK) :])
            reports[str(entry.get("name"))] = entry
    for i, name in enumerate(names):
        entry = reports.get(name)
        if entry is None:
            out[name] = (f"its install script did not finish in the sandbox (the run ended "
                         f"{result.status})")  # fmt: skip
            continue
        if entry.get("code") != 0 or not entry.get("tar"):
            code = entry.get("code")
            what = "timed out" if code == 124 else f"exited with {code}"
            event = entry.get("event") or "install"
            out[name] = (f"its {event} script {what} in the sandbox: "
                         f"{_last_line(str(entry.get('log', '')))}")  # fmt: skip
            continue
        built = modules.parent / f".built-{i}"
        try:
            _unpack(base64.b64decode(entry["tar"]), built)
        except (ValueError, tarfile.TarError, OSError) as exc:
            shutil.rmtree(built, ignore_errors=True)
            out[name] = f"its built package could not be taken back: {exc}"
            continue
        shutil.rmtree(modules / name)
        built.rename(modules / name)
        out[name] = ""
    return out
