"""A third outside labelled set: the RuleTester cases of five eslint security plugins.

Used by ``bench_security.py --eslint-tests``. The code and its labels were written by
the authors of these npm packages for their own linters (nobody here wrote them):

* ``eslint-plugin-security`` 4.1.0 (``test/rules/*.js``),
* ``eslint-plugin-security-node`` 1.1.4 (``tests/lib/rules/*.js``),
* ``eslint-plugin-no-unsanitized`` 2.0.2 (``tests/rules/*.js``; Mozilla),
* ``eslint-plugin-scanjs-rules`` 0.2.1 (``tests/rules/*.js``; Mozilla's ScanJS),
* ``eslint-plugin-xss`` 0.1.12 (``tests/lib/rules/*.js``).

Each test file calls ``new RuleTester().run(rule, impl, {valid: [...], invalid: [...]})``.
The tarballs are fetched at benchmark time (``npm pack``) into ``benchmarks/.data``; the
cases are read by running each test file under node with ``eslint`` replaced by a
recorder (``EXTRACT_JS``), so the cases are exactly the authors' (template literals,
shared constants and loops resolved by node). Only the labels (ids, category, verdict,
split, a hash of each case's code) are committed, in ``security_eslint_tests.json``.

Labelling rule, fixed before DevLab was run on any of these cases:

1. *valid* = safe, *invalid* = vulnerable (the rule authors' verdict).
2. Scope: a rule counts when its topic is one of the issue's categories (or the two the
   CodeShield set added, origin checks and TLS validation); ``RULES`` maps it to a
   category by the rule's name and message. Rules about other topics (ReDoS, timing,
   buffers, prototype/object injection, CSRF, error handling, invisible characters,
   storage/geolocation APIs, variable naming conventions) are out of scope and not
   scored (``OUT_OF_SCOPE``).
3. A case that sets ``options`` is left out: its verdict depends on the rule's own
   configuration (e.g. the name of the escaping function), which no other tool shares.
4. An invalid case whose every expected message reports only that a module is
   required (``Found require("child_process")``) is left out: the presence of an import
   is not a vulnerability (the issue's rule for presence-only findings).
5. Split tune / held-out by the first byte of sha1(case id), fixed with the labels.

Scoring per case: its code is written to a ``.js`` file and scanned with
``devlab.reverse.security.scan_source``; *flagged* when a finding of severity >= medium
of the category's CWE family (``FAMILY``, plus ``ALSO`` for the rule) is reported
anywhere in the case. Per category: TPR, FPR, score = TPR - FPR, averaged.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
LABELS = BENCH_DIR / "security_eslint_tests.json"
PACKAGES = {
    "eslint-plugin-security": ("4.1.0", "test/rules"),
    "eslint-plugin-security-node": ("1.1.4", "tests/lib/rules"),
    "eslint-plugin-no-unsanitized": ("2.0.2", "tests/rules"),
    "eslint-plugin-scanjs-rules": ("0.2.1", "tests/rules"),
    "eslint-plugin-xss": ("0.1.12", "tests/lib/rules"),
}
SEVERITY = {"info": 0, "low": 1, "medium": 2, "high": 3, "critical": 4}
FAMILY = {
    "cmdi": {"CWE-78", "CWE-77", "CWE-88"},
    "codeinj": {"CWE-94", "CWE-95"},
    "path": {"CWE-22", "CWE-23", "CWE-73"},
    "xss": {"CWE-79", "CWE-80"},
    "redirect": {"CWE-601"},
    "sqli": {"CWE-89"},
    "weakrand": {"CWE-330", "CWE-338"},
    "cookie": {"CWE-614", "CWE-1004", "CWE-315"},
    "tls": {"CWE-295"},
    "origin": {"CWE-940", "CWE-345", "CWE-346"},
}
# (package, test file stem) -> category; the file stem is the rule's name
RULES: dict[tuple[str, str], str] = {
    ("eslint-plugin-security", "detect-child-process"): "cmdi",
    ("eslint-plugin-security", "detect-eval-with-expression"): "codeinj",
    ("eslint-plugin-security", "detect-non-literal-require"): "codeinj",
    ("eslint-plugin-security", "detect-non-literal-fs-filename"): "path",
    ("eslint-plugin-security", "detect-pseudoRandomBytes"): "weakrand",
    ("eslint-plugin-security", "detect-disable-mustache-escape"): "xss",
    ("eslint-plugin-security-node", "detect-child-process"): "cmdi",
    ("eslint-plugin-security-node", "detect-eval-with-expr"): "codeinj",
    ("eslint-plugin-security-node", "detect-non-literal-require-calls"): "codeinj",
    ("eslint-plugin-security-node", "detect-runinthiscontext-method-in-nodes-vm"): "codeinj",
    ("eslint-plugin-security-node", "detect-html-injection"): "xss",
    (
        "eslint-plugin-security-node",
        "detect-option-unsafe-in-serialize-javascript-npm-package",
    ): "xss",
    ("eslint-plugin-security-node", "detect-dangerous-redirects"): "redirect",
    ("eslint-plugin-security-node", "detect-insecure-randomness"): "weakrand",
    ("eslint-plugin-security-node", "detect-sql-injection"): "sqli",
    ("eslint-plugin-security-node", "detect-security-missconfiguration-cookie"): "cookie",
    (
        "eslint-plugin-security-node",
        "detect-option-rejectunauthorized-in-nodejs-httpsrequest",
    ): "tls",
    ("eslint-plugin-security-node", "disable-ssl-across-node-server"): "tls",
    ("eslint-plugin-no-unsanitized", "method"): "xss",
    ("eslint-plugin-no-unsanitized", "property"): "xss",
    ("eslint-plugin-scanjs-rules", "call_eval"): "codeinj",
    ("eslint-plugin-scanjs-rules", "call_Function"): "codeinj",
    ("eslint-plugin-scanjs-rules", "new_Function"): "codeinj",
    ("eslint-plugin-scanjs-rules", "call_execScript"): "codeinj",
    ("eslint-plugin-scanjs-rules", "call_setTimeout"): "codeinj",
    ("eslint-plugin-scanjs-rules", "call_setInterval"): "codeinj",
    ("eslint-plugin-scanjs-rules", "call_parseFromString"): "xss",
    ("eslint-plugin-scanjs-rules", "property_createContextualFragment"): "xss",
    ("eslint-plugin-scanjs-rules", "assign_to_src"): "xss",
    ("eslint-plugin-scanjs-rules", "assign_to_href"): "redirect",
    ("eslint-plugin-scanjs-rules", "assign_to_location"): "redirect",
    ("eslint-plugin-scanjs-rules", "assign_to_hostname"): "redirect",
    ("eslint-plugin-scanjs-rules", "assign_to_protocol"): "redirect",
    ("eslint-plugin-scanjs-rules", "call_addEventListener_message"): "origin",
    ("eslint-plugin-scanjs-rules", "assign_to_onmessage"): "origin",
    ("eslint-plugin-xss", "no-location-href-assign"): "xss",
}
# a rule whose sink serves two categories: a finding of the other counts too
ALSO: dict[tuple[str, str], set[str]] = {
    ("eslint-plugin-scanjs-rules", "assign_to_src"): {"CWE-94", "CWE-95"},
    ("eslint-plugin-scanjs-rules", "assign_to_href"): {"CWE-79"},
    ("eslint-plugin-scanjs-rules", "assign_to_location"): {"CWE-79"},
    ("eslint-plugin-scanjs-rules", "assign_to_hostname"): {"CWE-79"},
    ("eslint-plugin-scanjs-rules", "assign_to_protocol"): {"CWE-79"},
    ("eslint-plugin-xss", "no-location-href-assign"): {"CWE-601"},
}
OUT_OF_SCOPE = (
    "eslint-plugin-security: bidi/invisible characters, buffer-noassert, new-buffer, "
    "no-csrf-before-method-override, non-literal-regexp, object-injection, "
    "possible-timing-attacks, unsafe-regex; eslint-plugin-security-node: express-session "
    "name, buffer-unsafe-allocation, crlf (log injection), improper-exception-handling, "
    "nosql-injection, mysql multipleStatements, possible-timing-attacks, unhandled "
    "async/event errors, non-literal-reg-expr; eslint-plugin-scanjs-rules: storage, "
    "indexedDB, geolocation, getUserMedia, crypto, addIdleObserver, hide, connect, "
    "open(remote=true), accidental_assignment, addEventListener (other than message), "
    "deviceproximity, assign_to_pathname/search (same-origin navigation); "
    "eslint-plugin-xss: no-mixed-html (a variable-naming convention)"
)
PRESENCE_MESSAGE = 'Found require("'

# node: run each test file with require('eslint') answered by a recorder of the cases
EXTRACT_JS = r"""
const Module = require('module');
const path = require('path');
const load = Module._load;
let current = null;
let runs = 0;
const out = [];
class RuleTester {
  constructor() {}
  run(name, _rule, tests) {
    runs += 1;
    for (const kind of ['valid', 'invalid']) {
      (tests[kind] || []).forEach((c, i) => {
        const o = typeof c === 'string' ? { code: c } : c;
        out.push({ file: current, name, run: runs, kind, index: i, code: o.code,
          options: o.options !== undefined,
          errors: (o.errors || []).map(e => typeof e === 'string' ? e : (e.message || '')) });
      });
    }
  }
}
Module._load = function (request) {
  if (request === 'eslint' || request.startsWith('eslint/')) return { RuleTester };
  try { return load.apply(this, arguments); }
  catch (e) { return new Proxy(function () {}, { get: () => ({}) }); }
};
for (const f of process.argv.slice(1)) {
  current = f;
  runs = 0;
  try { require(path.resolve(f)); } catch (e) { out.push({ file: f, error: String(e) }); }
}
process.stdout.write(JSON.stringify(out));
"""


def package_root(name: str) -> Path:
    import bench_security

    return bench_security.fetch("npm", name, PACKAGES[name][0])


def raw_cases() -> list[dict[str, Any]]:
    """Every RuleTester case of the five packages' test files, as node evaluates them."""
    out: list[dict[str, Any]] = []
    for name, (_version, tests) in PACKAGES.items():
        root = package_root(name)
        files = sorted((root / tests).glob("*.js"))
        done = subprocess.run(
            ["node", "-e", EXTRACT_JS, *[str(f) for f in files]],
            capture_output=True, text=True, check=True, cwd=root,
        )  # fmt: skip
        for case in json.loads(done.stdout):
            if "error" in case:
                raise RuntimeError(f"{name}: {case['file']}: {case['error']}")
            stem = Path(case["file"]).stem
            case.update(package=name, stem=stem)
            run = f"{case['name']}#{case['run']}"
            case["id"] = f"{name}/{stem}/{run}/{case['kind']}/{case['index']}"
            out.append(case)
    ids = [c["id"] for c in out]
    if len(set(ids)) != len(ids):
        raise RuntimeError("two RuleTester cases share an id")
    return out


def label(case: dict[str, Any]) -> dict[str, Any] | None:
    """The labelling rule (module docstring, points 1-5); None = not scored."""
    key = (case["package"], case["stem"])
    category = RULES.get(key)
    if category is None or case["options"] or not isinstance(case["code"], str):
        return None
    vulnerable = case["kind"] == "invalid"
    if vulnerable and all(m.startswith(PRESENCE_MESSAGE) for m in case["errors"]):
        return None
    cid = case["id"]
    return {
        "id": cid,
        "package": case["package"],
        "rule": case["stem"],
        "category": category,
        "vulnerable": vulnerable,
        "split": "heldout" if hashlib.sha1(cid.encode()).digest()[0] % 2 else "tune",
        "sha1": hashlib.sha1(case["code"].encode()).hexdigest()[:12],
    }


def write_labels() -> Path:
    cases = raw_cases()
    labels = [lb for lb in map(label, cases) if lb is not None]
    doc = {
        "_doc": "Labels of five eslint security plugins' RuleTester cases (valid = safe, "
        "invalid = vulnerable), extracted by benchmarks/_security_eslint_tests.py "
        "--write-labels before DevLab was run on them; the rule is in that file's "
        "docstring.",
        "packages": {k: v[0] for k, v in PACKAGES.items()},
        "cases_read": len(cases),
        "out_of_scope": OUT_OF_SCOPE,
        "labels": labels,
    }
    LABELS.write_text(json.dumps(doc, indent=1) + "\n", encoding="utf-8")
    return LABELS


def load() -> list[dict[str, Any]]:
    return list(json.loads(LABELS.read_text(encoding="utf-8"))["labels"])


def case_code(labels: list[dict[str, Any]]) -> dict[str, str]:
    """The code of each labelled case, checked against the hash taken with the labels."""
    code = {c["id"]: c["code"] for c in raw_cases()}
    for lb in labels:
        got = code.get(lb["id"])
        if got is None or hashlib.sha1(got.encode()).hexdigest()[:12] != lb["sha1"]:
            raise SystemExit(f"case {lb['id']} changed or missing in the fetched package")
    return {lb["id"]: code[lb["id"]] for lb in labels}


def hits_devlab(
    code: dict[str, str], suffix: Callable[[str], str] = lambda key: ".js"
) -> tuple[dict[str, list], dict[str, str], float]:
    """DevLab's (CWE, severity) findings per case, each case written to a file whose
    suffix ``suffix(key)`` gives (JavaScript here; other sets pass their own)."""
    from devlab.reverse.security import scan_source

    out: dict[str, list] = {}
    errors: dict[str, str] = {}
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="devlab-cases-") as tmp:
        for n, (cid, text) in enumerate(sorted(code.items())):
            path = Path(tmp) / f"case{n}{suffix(cid)}"
            path.write_text(text, encoding="utf-8")
            try:
                found = scan_source(str(path), text)
            except Exception as exc:  # report and go on
                errors[cid] = f"{type(exc).__name__}: {exc}"
                found = []
            out[cid] = [(f.cwe, f.severity) for f in found]
    return out, errors, time.perf_counter() - t0


def flagged(lb: dict[str, Any], hits: list) -> bool:
    fam = FAMILY[lb["category"]] | ALSO.get((lb["package"], lb["rule"]), set())
    return any(cwe in fam and SEVERITY.get(sev, 2) >= 2 for cwe, sev in hits)


def score(labels: list[dict[str, Any]], flags: dict[str, bool]) -> dict[str, dict[str, Any]]:
    """Per category: TPR, FPR and score; a rate without cases (a split may hold only safe
    or only vulnerable cases of a small category) is None, and so is the score then."""
    per: dict[str, dict[str, Any]] = {}
    for cat in sorted({lb["category"] for lb in labels}):
        mine = [lb for lb in labels if lb["category"] == cat]
        vul = [lb for lb in mine if lb["vulnerable"]]
        safe = [lb for lb in mine if not lb["vulnerable"]]
        tpr = 100.0 * sum(flags[lb["id"]] for lb in vul) / len(vul) if vul else None
        fpr = 100.0 * sum(flags[lb["id"]] for lb in safe) / len(safe) if safe else None
        both = tpr is not None and fpr is not None
        per[cat] = {"n": len(mine), "vul": len(vul), "safe": len(safe), "tpr": tpr,
                    "fpr": fpr, "score": tpr - fpr if both else None}  # fmt: skip
    return per


def average(per: dict[str, dict[str, Any]]) -> dict[str, float]:
    """The mean over the categories that have both vulnerable and safe cases."""
    full = [v for v in per.values() if v["score"] is not None]
    n = len(full) or 1
    out = {k: sum(v[k] for v in full) / n for k in ("tpr", "fpr", "score")}
    out["categories"] = len(full)
    return out


def _pct(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.0f}%"


def _signed(x: float | None) -> str:
    return "n/a" if x is None else f"{x:+.1f}"


def _hits_before(code: dict[str, str], before_src: str) -> dict[str, list]:
    """DevLab's hits from another copy of its src/ (an earlier commit), in a child process."""
    env = {**os.environ, "PYTHONPATH": f"{before_src}:{BENCH_DIR}"}
    done = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--hits-json"],
        input=json.dumps(code), capture_output=True, text=True, env=env, check=True, cwd="/",
    )  # fmt: skip
    return {k: [tuple(h) for h in v] for k, v in json.loads(done.stdout).items()}


def evaluate(before_src: str | None = None) -> dict[str, Any]:
    labels = load()
    code = case_code(labels)
    devlab, errors, took = hits_devlab(code)
    tools = {"devlab": {lb["id"]: flagged(lb, devlab[lb["id"]]) for lb in labels}}
    if before_src:
        before = _hits_before(code, before_src)
        tools["before"] = {lb["id"]: flagged(lb, before[lb["id"]]) for lb in labels}
    res: dict[str, Any] = {"labels": len(labels), "errors": errors, "seconds": round(took, 2),
                           "flags": tools, "splits": {}}  # fmt: skip
    for split in ("tune", "heldout", "all"):
        part = [lb for lb in labels if split == "all" or lb["split"] == split]
        res["splits"][split] = {t: score(part, f) for t, f in tools.items()}
    res["misses"] = [
        {k: lb[k] for k in ("id", "category", "vulnerable", "split")}
        for lb in labels
        if tools["devlab"][lb["id"]] != lb["vulnerable"]
    ]
    return res


def table(res: dict[str, Any], split: str) -> str:
    s = res["splits"][split]
    tools = [t for t in ("before", "devlab") if t in s]
    names = {"before": "DevLab before", "devlab": "DevLab"}
    head = "| category | cases (vuln/safe) |" + "".join(
        f" {names[t]} TPR | {names[t]} FPR | {names[t]} score |" for t in tools
    )
    rows = [head, "|---|---:|" + "---:|---:|---:|" * len(tools)]
    for cat, d in s["devlab"].items():
        cells = " | ".join(
            f"{_pct(s[t][cat]['tpr'])} | {_pct(s[t][cat]['fpr'])} | {_signed(s[t][cat]['score'])}"
            for t in tools
        )
        rows.append(f"| {cat} | {int(d['vul'])}/{int(d['safe'])} | {cells} |")
    avg = " | ".join(
        "{tpr:.1f}% | {fpr:.1f}% | **{score:+.1f}**".format(**average(s[t])) for t in tools
    )
    ncat = average(s["devlab"])["categories"]
    rows.append(f"| **average** ({ncat} categories with both kinds) | | {avg} |")
    return "\n".join(rows)


def render(res: dict[str, Any]) -> str:
    parts = []
    for split in ("all", "tune", "heldout"):
        parts += [f"JavaScript (eslint plugins' RuleTester cases), {split}:", "",
                  table(res, split), ""]  # fmt: skip
    if res["misses"]:
        parts.append("DevLab's wrong cases: " + ", ".join(
            f"{m['id']} ({'missed' if m['vulnerable'] else 'false alarm'}, {m['split']})"
            for m in res["misses"]
        ))  # fmt: skip
    if res["errors"]:
        parts.append(f"Cases DevLab could not scan: {res['errors']}")
    return "\n".join(parts)


if __name__ == "__main__":
    sys.path.insert(0, str(BENCH_DIR))
    if "--write-labels" in sys.argv:
        print(write_labels())
    elif "--hits-json" in sys.argv:  # child of _hits_before: {id: code} on stdin
        hits, _errors, _s = hits_devlab(json.loads(sys.stdin.read()))
        print(json.dumps(hits))
    else:
        before = (
            sys.argv[sys.argv.index("--before-src") + 1] if "--before-src" in sys.argv else None
        )
        print(render(evaluate(before)))
