"""npm install scripts of real packages, run inside the sandbox (issue 15).

The tests of ``devlab.testing.npmscripts`` use local tarballs (the suite needs no
network). This check uses real packages from the npm registry that declare install
scripts: a small project depends on them, its lock file is written by ``npm install
--package-lock-only --ignore-scripts`` (nothing runs on the host), it is ingested and
``devlab tests coverage`` measures it the way a user would. Printed: each dependency's
status and reason (an install script that ran in the sandbox, or the one that failed
with its last line) and the coverage of the project's own node:test suite, which
calls into the built packages.

    python benchmarks/check_npm_install_scripts.py [--packages bufferutil@4.0.8 ...]

Needs npm and the registry; DEVLAB_HOME is a temporary folder.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# bufferutil: node-gyp-build picks its shipped prebuild; es5-ext: a postinstall banner;
# bcrypt: node-pre-gyp downloads a binary (no network in the sandbox: must be named)
PACKAGES = ["bufferutil@4.0.8", "es5-ext@0.10.64", "bcrypt@5.1.1"]
INDEX = """const { mask } = require('bufferutil');
const flatten = require('es5-ext/array/#/flatten');
function maskAll(buf, key) {
  const out = Buffer.alloc(buf.length);
  mask(buf, key, out, 0, buf.length);
  return out;
}
function flat(xs) { return flatten.call(xs); }
module.exports = { maskAll, flat };
"""
TEST = """const test = require('node:test');
const assert = require('node:assert');
const { maskAll, flat } = require('../index.js');
test('mask twice is the identity', () => {
  const k = Buffer.from([1, 2, 3, 4]);
  const b = Buffer.from('abcd');
  assert.deepStrictEqual(maskAll(maskAll(b, k), k), b);
});
test('flatten', () => { assert.deepStrictEqual(flat([1, [2, [3]]]), [1, 2, 3]); });
"""


def _project(root: Path, packages: list[str]) -> None:
    """The project's files and its lock file (scripts ignored: nothing runs here)."""
    deps = dict(p.rsplit("@", 1) for p in packages)
    (root / "test").mkdir(parents=True)
    (root / "package.json").write_text(
        json.dumps({"name": "npm-scripts-check", "version": "1.0.0", "dependencies": deps})
    )
    (root / "index.js").write_text(INDEX)
    (root / "test" / "index.test.js").write_text(TEST)
    subprocess.run(
        ["npm", "install", "--package-lock-only", "--ignore-scripts", "-q"],
        cwd=root, check=True, timeout=300,
    )  # fmt: skip


def main() -> int:
    """Build the project, ingest it, measure its coverage; print what each package did."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--packages", nargs="+", default=PACKAGES)
    args = ap.parse_args()
    devlab = str(Path(sys.executable).with_name("devlab"))
    with tempfile.TemporaryDirectory(prefix="devlab-npm-scripts-") as tmp:
        root, env = Path(tmp) / "project", {**os.environ, "DEVLAB_HOME": f"{tmp}/home"}
        _project(root, args.packages)
        subprocess.run([devlab, "ingest", str(root), "--name", "npmcheck", "--no-embed"],
                       env=env, check=True, capture_output=True)  # fmt: skip
        started = time.monotonic()
        out = subprocess.run([devlab, "tests", "coverage", "npmcheck", "--json"],
                             env=env, capture_output=True, text=True, timeout=900)  # fmt: skip
        took = time.monotonic() - started
    report = json.loads(out.stdout)
    print(f"{report.get('message')}  ({took:.1f} s, dependencies included)")
    for dep in (report.get("dependencies") or {}).get("dependencies", []):
        print(f"  {dep['spec']:<24} {dep['status']:<10} {dep['reason']}")
    for f in report.get("files", []):
        s = f["summary"]
        print(f"  coverage {f['path']}: line {s['line_percent']}%, branch {s['branch_percent']}%")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
