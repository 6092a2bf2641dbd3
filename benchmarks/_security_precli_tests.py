"""A fourth outside labelled set: the example files of precli's rule tests.

Used by ``bench_security.py --precli-tests``. The code and its labels were written by the
authors of precli 0.8.6 (Secure Sauce's static analyser, by bandit's original author),
fetched from the package registry's sdist; nobody here wrote them. Each rule's test
(``tests/unit/rules/<lang>/stdlib/<module>/test_*.py``) sets a ``rule_id`` and lists
example files (``examples/*.py|.go|.java``) in a ``pytest.mark.parametrize``; each example
file opens with its expected verdict: ``# level: NONE`` (``//`` in Go and Java) = the rule
must report nothing there, ``# level: ERROR`` / ``WARNING`` = it must report one finding
(its lines follow). The examples pair each flaw with safe look-alikes written by the same
hands (``hashlib.md5(usedforsecurity=False)``, a shadowed module name, ``FTP_TLS`` beside
``FTP``, a context with ``CERT_REQUIRED`` beside ``CERT_NONE``, a cookie with
``setSecure(true)``...), in Python, Go and Java.

The sdist's ``setup.py`` cannot be built by today's setuptools (flat layout), so
``pip download`` stops after fetching and unpacking it: ``--no-clean`` keeps the unpacked
tree, which ``source_root`` moves under ``benchmarks/.data`` (version checked in its
``PKG-INFO``).

Labelling rule, fixed before DevLab was run on any of these files:

1. One label per (rule test, example file) pair: ``NONE`` = safe, ``ERROR`` / ``WARNING``
   = vulnerable, for the category of the rule's CWE (the ``rule.cwe.id`` its test asserts).
2. Scope: a rule counts when its CWE is one of the issue's categories or one the earlier
   outside sets added (``CATEGORY``: weak hash 328, weak cipher 327, deserialisation 502,
   insecure cookie 614, weak randomness 330/338, code injection 94, cleartext
   transmission 319, certificate validation 295). Other topics (timeouts 1088/770,
   unrestricted bind 1327, privileges 250, file permissions 732, temp files 377, ReDoS
   1333, key/token size 326, secrets on the command line or in URLs 214/598, timing 208,
   ``assert`` 703) are not scored.
3. Split tune / held-out by the first byte of sha1(label id), fixed with the labels.

Scoring per label: the example file is scanned with
``devlab.reverse.security.scan_source``; *flagged* when a finding of severity >= medium
(DevLab's default view) of the category's CWE family (``FAMILY``) is reported anywhere in
it. Per category: TPR, FPR, score = TPR - FPR; averaged over the categories with both
kinds (the functions of ``_security_eslint_tests`` are reused for that).
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
LABELS = BENCH_DIR / "security_precli_tests.json"
PACKAGE = ("precli", "0.8.6")
RULES_DIR = "tests/unit/rules"
SEVERITY = {"info": 0, "low": 1, "medium": 2, "high": 3, "critical": 4}
CATEGORY = {
    328: "weakhash",
    327: "weakcipher",
    502: "deser",
    614: "cookie",
    330: "weakrand",
    338: "weakrand",
    94: "codeinj",
    319: "cleartext",
    295: "tls",
}
FAMILY = {
    "weakhash": {"CWE-328", "CWE-327", "CWE-916"},
    "weakcipher": {"CWE-327"},
    "deser": {"CWE-502"},
    "cookie": {"CWE-614", "CWE-1004", "CWE-315"},
    "weakrand": {"CWE-330", "CWE-338"},
    "codeinj": {"CWE-94", "CWE-95"},
    "cleartext": {"CWE-319"},
    "tls": {"CWE-295", "CWE-297"},
}
OUT_OF_SCOPE = (
    "timeouts (CWE-1088, 770), unrestricted bind (1327), unnecessary privileges (250), "
    "file permissions (732), temporary files (377), ReDoS (1333), key and token size "
    "(326), secrets on the command line or in a URL (214, 598), timing (208), assert (703)"
)
EXT = {".py": "python", ".go": "go", ".java": "java"}


def source_root() -> Path:
    """The unpacked precli sdist under benchmarks/.data (fetched once)."""
    import bench_security

    name, version = PACKAGE
    dest = bench_security.SEC_DIR / "src" / "pypi" / f"{name}-{version}"
    if (dest / ".complete").exists():
        return dest
    tmp = bench_security.SEC_DIR / "archives" / "pypi" / f"{name}-{version}-unpack"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    cmd = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--no-clean",
           "--no-binary", ":all:", "--no-build-isolation", f"{name}=={version}",
           "-d", str(tmp / "dl")]  # fmt: skip
    # metadata preparation fails (flat layout); the unpacked tree stays (--no-clean)
    subprocess.run(cmd, capture_output=True, env={**os.environ, "TMPDIR": str(tmp)})
    found = [p.parent for p in tmp.glob("pip-*/*/PKG-INFO")]
    if len(found) != 1 or f"\nVersion: {version}\n" not in (found[0] / "PKG-INFO").read_text():
        raise SystemExit(f"could not fetch and unpack the {name} {version} sdist")
    shutil.rmtree(dest, ignore_errors=True)
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(str(found[0]), dest)
    shutil.rmtree(tmp, ignore_errors=True)
    (dest / ".complete").write_text(f"{name} {version}")
    return dest


def _test_facts(path: Path) -> tuple[str, int, list[str]]:
    """A rule test's rule id, asserted CWE and listed example files (read with ast)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    rule_id, cwe, files = "", 0, []
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant):
            if any(isinstance(t, ast.Attribute) and t.attr == "rule_id" for t in node.targets):
                rule_id = str(node.value.value)
        elif (
            isinstance(node, ast.Compare)
            and isinstance(node.left, ast.Attribute)
            and node.left.attr == "id"
            and getattr(node.left.value, "attr", "") == "cwe"
            and isinstance(node.comparators[0], ast.Constant)
        ):
            cwe = int(node.comparators[0].value)
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "parametrize":
            for arg in node.args[1:]:
                if isinstance(arg, ast.List):
                    files += [e.value for e in arg.elts if isinstance(e, ast.Constant)]
    return rule_id, cwe, files


def _level(path: Path) -> str:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    return first.strip().lstrip("/# ").removeprefix("level: ").strip()


def extract_labels(root: Path) -> tuple[list[dict[str, Any]], int]:
    labels: list[dict[str, Any]] = []
    pairs = 0
    for test in sorted((root / RULES_DIR).rglob("test_*.py")):
        if test.name == "test_case.py":
            continue
        rule_id, cwe, files = _test_facts(test)
        pairs += len(files)
        category = CATEGORY.get(cwe)
        if category is None:
            continue
        for name in files:
            example = test.parent / "examples" / name
            rel = example.relative_to(root).as_posix()
            level = _level(example)
            if level not in {"NONE", "ERROR", "WARNING"}:
                raise SystemExit(f"{rel}: unexpected level {level!r}")
            lid = f"{rule_id}/{rel}"
            labels.append({
                "id": lid, "file": rel, "rule": rule_id, "cwe": f"CWE-{cwe}",
                "language": EXT[example.suffix], "category": category,
                "vulnerable": level != "NONE",
                "split": "heldout" if hashlib.sha1(lid.encode()).digest()[0] % 2 else "tune",
                "sha1": hashlib.sha1(example.read_bytes()).hexdigest()[:12],
            })  # fmt: skip
    return labels, pairs


def write_labels() -> Path:
    root = source_root()
    labels, pairs = extract_labels(root)
    doc = {
        "_doc": "Labels of precli 0.8.6's rule-test example files (level NONE = safe, "
        "ERROR/WARNING = vulnerable), extracted by benchmarks/_security_precli_tests.py "
        "--write-labels before DevLab was run on them; the rule is in that file's docstring.",
        "package": f"{PACKAGE[0]}=={PACKAGE[1]}",
        "pairs_read": pairs,
        "out_of_scope": OUT_OF_SCOPE,
        "labels": labels,
    }
    LABELS.write_text(json.dumps(doc, indent=1) + "\n", encoding="utf-8")
    return LABELS


def load() -> list[dict[str, Any]]:
    return list(json.loads(LABELS.read_text(encoding="utf-8"))["labels"])


def file_code(labels: list[dict[str, Any]]) -> dict[str, str]:
    """The text of each labelled file, checked against the hash taken with the labels."""
    root = source_root()
    out: dict[str, str] = {}
    for lb in labels:
        path = root / lb["file"]
        if not path.exists() or hashlib.sha1(path.read_bytes()).hexdigest()[:12] != lb["sha1"]:
            raise SystemExit(f"example {lb['file']} changed or missing in the fetched sdist")
        out[lb["file"]] = path.read_text(encoding="utf-8")
    return out


def hits_devlab(code: dict[str, str]) -> tuple[dict[str, list], dict[str, str], float]:
    """DevLab's findings per example file (the eslint set's scanner, by file suffix)."""
    import _security_eslint_tests as et

    return et.hits_devlab(code, suffix=lambda rel: Path(rel).suffix)


def flagged(lb: dict[str, Any], hits: list) -> bool:
    fam = FAMILY[lb["category"]]
    return any(cwe in fam and SEVERITY.get(sev, 2) >= 2 for cwe, sev in hits)


def _hits_before(code: dict[str, str], before_src: str) -> dict[str, list]:
    """DevLab's hits from another copy of its src/ (an earlier commit), in a child process."""
    env = {**os.environ, "PYTHONPATH": f"{before_src}:{BENCH_DIR}"}
    done = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--hits-json"],
        input=json.dumps(code), capture_output=True, text=True, env=env, check=True, cwd="/",
    )  # fmt: skip
    return {k: [tuple(h) for h in v] for k, v in json.loads(done.stdout).items()}


def evaluate(before_src: str | None = None, split_only: str | None = None) -> dict[str, Any]:
    """Score every label (or one split's: ``split_only``) for DevLab, and its *before*."""
    import _security_eslint_tests as et

    labels = [lb for lb in load() if split_only in (None, lb["split"])]
    code = file_code(labels)
    devlab, errors, took = hits_devlab(code)
    tools = {"devlab": {lb["id"]: flagged(lb, devlab[lb["file"]]) for lb in labels}}
    if before_src:
        before = _hits_before(code, before_src)
        tools["before"] = {lb["id"]: flagged(lb, before[lb["file"]]) for lb in labels}
    res: dict[str, Any] = {"labels": len(labels), "errors": errors, "seconds": round(took, 2),
                           "flags": tools, "splits": {}}  # fmt: skip
    for split in ("tune", "heldout", "all"):
        part = [lb for lb in labels if split == "all" or lb["split"] == split]
        if not part:
            continue
        for lang in ("all", "python", "java", "go"):
            sub = [lb for lb in part if lang == "all" or lb["language"] == lang]
            if sub:
                key = split if lang == "all" else f"{split}, {lang}"
                res["splits"][key] = {t: et.score(sub, f) for t, f in tools.items()}
    res["misses"] = [
        {k: lb[k] for k in ("id", "category", "vulnerable", "split")}
        for lb in labels
        if tools["devlab"][lb["id"]] != lb["vulnerable"]
    ]
    return res


def render(res: dict[str, Any]) -> str:
    import _security_eslint_tests as et

    parts = []
    for key in res["splits"]:
        parts += [f"precli rule-test examples, {key}:", "", et.table(res, key), ""]
    if res["misses"]:
        parts.append("DevLab's wrong cases: " + ", ".join(
            f"{m['id']} ({'missed' if m['vulnerable'] else 'false alarm'}, {m['split']})"
            for m in res["misses"]
        ))  # fmt: skip
    if res["errors"]:
        parts.append(f"Files DevLab could not scan: {res['errors']}")
    return "\n".join(parts)


if __name__ == "__main__":
    sys.path.insert(0, str(BENCH_DIR))
    if "--write-labels" in sys.argv:
        print(write_labels())
    elif "--hits-json" in sys.argv:  # child of _hits_before: {file: code} on stdin
        hits, _errors, _s = hits_devlab(json.loads(sys.stdin.read()))
        print(json.dumps(hits))
    else:
        before = (
            sys.argv[sys.argv.index("--before-src") + 1] if "--before-src" in sys.argv else None
        )
        only = "tune" if "--tune-only" in sys.argv else None
        print(render(evaluate(before, only)))
