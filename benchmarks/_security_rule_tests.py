"""An outside labelled set: the rule tests another project wrote for its own detector.

Used by ``bench_security.py --rule-tests``. The code is Meta's CodeShield 1.0.1 (the
insecure-code detector of PurpleLlama / CyberSecEval), fetched from the package registry
(``pip download --no-deps --no-binary :all: codeshield==1.0.1``). Its semgrep rules ship
with test files in which the rule's authors marked each line under test: a
``# ruleid: RULE`` (``// ruleid:`` in JavaScript) comment says the next statement must be
reported, ``# ok: RULE`` that it must not (semgrep's own test convention). Nobody here
wrote those files or their labels.

``--write-labels`` reads the annotations of the downloaded files (and each rule's
``cwe_id`` from its ``.yaml``) into ``security_rule_tests.json``, which is committed; the
scoring reads only that file, so the labels are fixed before DevLab is run. The split
(``tune`` / ``heldout``) is a hash of each line's id, fixed with the labels.

Scoring per labelled line: *flagged* when the tool reports a finding of the rule's CWE
family that starts or ends in the line's block: the annotated line up to the next
annotation, blank line or end of its function (a rule's authors sometimes annotate the
assignment of the value and call the sink on the next line); no other slack, since
neighbouring blocks carry the opposite label. DevLab counts at its default view
(severity >= medium), bandit at every severity (also shown at medium+). Per category:
TPR, FPR, score = TPR - FPR, averaged.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
LABELS = BENCH_DIR / "security_rule_tests.json"
PACKAGE = ("pypi", "codeshield", "1.0.1")
RULE_DIR = "insecure_code_detector/rules/semgrep"
SEVERITY = {"info": 0, "low": 1, "medium": 2, "high": 3, "critical": 4}
# category of a rule's CWE (the rule's own cwe_id), and the CWE family that counts as it
CATEGORY = {
    "CWE-78": "cmdi",
    "CWE-89": "sqli",
    "CWE-94": "codeinj",
    "CWE-95": "codeinj",
    "CWE-502": "deser",
    "CWE-940": "origin",
    "CWE-345": "origin",
    "CWE-319": "cleartext",
}
FAMILY = {
    "cmdi": {"CWE-78", "CWE-77", "CWE-88"},
    "sqli": {"CWE-89"},
    "codeinj": {"CWE-94", "CWE-95"},
    "deser": {"CWE-502"},
    "origin": {"CWE-940", "CWE-345", "CWE-346"},
    "cleartext": {"CWE-319"},
}
# a rule whose id names the API it is about while its cwe_id names another category:
# "child-process" (cwe_id CWE-95) is about commands run by child_process, so it is
# scored as command injection and a code-injection finding counts for it too (said in
# docs/benchmarks.md)
RULE_CATEGORY = {"child-process": "cmdi"}
RULE_ALSO = {"child-process": {"CWE-94", "CWE-95"}}
ANNOTATION = re.compile(r"^\s*(?:#|//)\s*(ruleid|ok)\s*:\s*([\w-]+)\s*$")
COMMENT = re.compile(r"^\s*(?:#|//|/\*|\*|$)")
LANG = {".py": "python", ".js": "js"}


def source_root() -> Path:
    """The extracted CodeShield sdist (downloaded once under benchmarks/.data)."""
    import bench_security

    return bench_security.fetch(*PACKAGE)


def _rule_cwes(root: Path) -> dict[str, str]:
    cwes: dict[str, str] = {}
    for yml in (root / RULE_DIR).rglob("*.yaml"):
        rule = None
        for line in yml.read_text(encoding="utf-8").splitlines():
            m = re.match(r"^\s*-\s*id:\s*\"?([\w-]+)\"?", line)
            if m:
                rule = m.group(1)
            m = re.match(r"^\s*cwe_id:\s*\"?(CWE-\d+)\"?", line)
            if m and rule:
                cwes[rule] = m.group(1)
    return cwes


def extract_labels(root: Path) -> list[dict[str, Any]]:
    """Every annotated line of the Python and JavaScript rule test files."""
    cwes = _rule_cwes(root)
    out: list[dict[str, Any]] = []
    for path in sorted((root / RULE_DIR).rglob("*")):
        lang = LANG.get(path.suffix)
        if lang is None:
            continue
        lines = path.read_text(encoding="utf-8").splitlines()
        rel = path.relative_to(root).as_posix()
        for i, text in enumerate(lines):
            m = ANNOTATION.match(text)
            if not m:
                continue
            target = next(
                (j for j in range(i + 1, len(lines)) if not COMMENT.match(lines[j])), None
            )
            if target is None:
                continue
            rule = m.group(2)
            cwe = cwes.get(rule, "")
            cid = f"{rel}:{target + 1}"
            out.append({
                "id": cid,
                "file": rel,
                "language": lang,
                "line": target + 1,
                "rule": rule,
                "cwe": cwe,
                "category": RULE_CATEGORY.get(rule) or CATEGORY.get(cwe, "other"),
                "vulnerable": m.group(1) == "ruleid",
                "split": "heldout" if hashlib.sha1(cid.encode()).digest()[0] % 2 else "tune",
            })  # fmt: skip
    return out


def write_labels() -> Path:
    labels = extract_labels(source_root())
    doc = {
        "_doc": "Labels of CodeShield 1.0.1's semgrep rule tests (ruleid = vulnerable, "
        "ok = safe), extracted by benchmarks/_security_rule_tests.py --write-labels "
        "before DevLab was run on them; cwe = the rule's cwe_id.",
        "package": "-".join(PACKAGE[1:]),
        "labels": labels,
    }
    LABELS.write_text(json.dumps(doc, indent=1) + "\n", encoding="utf-8")
    return LABELS


def load() -> list[dict[str, Any]]:
    return list(json.loads(LABELS.read_text(encoding="utf-8"))["labels"])


def blocks(root: Path, labels: list[dict[str, Any]]) -> dict[str, tuple[int, int]]:
    """Each label's block: its line up to the line before the next annotation, blank
    line or line at a lower indent (1-based, inclusive)."""
    out: dict[str, tuple[int, int]] = {}
    cache: dict[str, list[str]] = {}
    for lb in labels:
        lines = cache.setdefault(lb["file"], (root / lb["file"]).read_text("utf-8").splitlines())
        start = lb["line"]
        indent = len(lines[start - 1]) - len(lines[start - 1].lstrip())
        end = start
        for j in range(start, len(lines)):
            text = lines[j]
            stripped = text.strip()
            if not stripped or ANNOTATION.match(text):
                break
            if len(text) - len(text.lstrip()) < indent:
                break
            end = j + 1
        out[lb["id"]] = (start, end)
    return out


def _hits_devlab(root: Path, files: list[str]) -> tuple[dict[str, list], dict[str, str], float]:
    from devlab.reverse.security import scan_source

    out: dict[str, list] = {}
    errors: dict[str, str] = {}
    t0 = time.perf_counter()
    for rel in files:
        path = root / rel
        try:
            found = scan_source(str(path), path.read_text(encoding="utf-8"))
        except Exception as exc:  # report and go on
            errors[rel] = f"{type(exc).__name__}: {exc}"
            found = []
        out[rel] = [(f.cwe, f.severity, f.start_line, f.end_line) for f in found]
    return out, errors, time.perf_counter() - t0


def _hits_bandit(root: Path, files: list[str]) -> tuple[dict[str, list], float]:
    from devlab.reverse.security_python import BANDIT_CWE

    out: dict[str, list] = {rel: [] for rel in files}
    py = {str((root / rel).resolve()): rel for rel in files if rel.endswith(".py")}
    bandit = Path(sys.executable).with_name("bandit")
    cmd = [str(bandit) if bandit.exists() else "bandit", "-f", "json", "-q", *py]
    t0 = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True)
    took = time.perf_counter() - t0
    for r in json.loads(done.stdout or "{}").get("results", []):
        rel = py.get(str(Path(r["filename"]).resolve()))
        if rel is None:
            continue
        cwe = BANDIT_CWE.get(r["test_id"])
        if cwe is None and (r.get("issue_cwe") or {}).get("id"):
            cwe = f"CWE-{r['issue_cwe']['id']}"
        lines = r.get("line_range") or [r["line_number"]]
        out[rel].append((cwe, r["issue_severity"].lower(), min(lines), max(lines)))
    return out, took


def flagged(label: dict[str, Any], block: tuple[int, int], hits: list, min_sev: int) -> bool:
    fam = FAMILY.get(label["category"], {label["cwe"]}) | RULE_ALSO.get(label["rule"], set())
    lo, hi = block
    return any(
        cwe in fam
        and SEVERITY.get(sev, 2) >= min_sev
        and (lo <= start <= hi or lo <= end <= hi or start <= lo <= end)
        for cwe, sev, start, end in hits
    )


def score(labels: list[dict[str, Any]], flags: dict[str, bool]) -> dict[str, dict[str, float]]:
    per: dict[str, dict[str, float]] = {}
    for cat in sorted({lb["category"] for lb in labels}):
        mine = [lb for lb in labels if lb["category"] == cat]
        vul = [lb for lb in mine if lb["vulnerable"]]
        safe = [lb for lb in mine if not lb["vulnerable"]]
        tpr = 100.0 * sum(flags[lb["id"]] for lb in vul) / len(vul) if vul else 0.0
        fpr = 100.0 * sum(flags[lb["id"]] for lb in safe) / len(safe) if safe else 0.0
        per[cat] = {"n": len(mine), "vul": len(vul), "safe": len(safe), "tpr": tpr,
                    "fpr": fpr, "score": tpr - fpr}  # fmt: skip
    return per


def average(per: dict[str, dict[str, float]]) -> dict[str, float]:
    n = len(per) or 1
    return {k: sum(v[k] for v in per.values()) / n for k in ("tpr", "fpr", "score")}


def _hits_before(root: Path, files: list[str], before_src: str) -> dict[str, list]:
    """DevLab's hits from another copy of its src/ (an earlier commit), in a child process."""
    env = {**os.environ, "PYTHONPATH": before_src}
    done = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--hits-json"],
        capture_output=True, text=True, env=env, check=True, cwd="/",
    )  # fmt: skip
    return {k: [tuple(h) for h in v] for k, v in json.loads(done.stdout).items()}


def evaluate(before_src: str | None = None) -> dict[str, Any]:
    root = source_root()
    labels = load()
    block = blocks(root, labels)
    files = sorted({lb["file"] for lb in labels})
    devlab, errors, dl_s = _hits_devlab(root, files)
    bandit, b_s = _hits_bandit(root, files)
    tools = {
        "devlab": {lb["id"]: flagged(lb, block[lb["id"]], devlab[lb["file"]], 2) for lb in labels},
        "bandit": {lb["id"]: flagged(lb, block[lb["id"]], bandit[lb["file"]], 0) for lb in labels},
        "bandit_medium": {
            lb["id"]: flagged(lb, block[lb["id"]], bandit[lb["file"]], 2) for lb in labels
        },
    }
    if before_src:
        before = _hits_before(root, files, before_src)
        tools["before"] = {
            lb["id"]: flagged(lb, block[lb["id"]], before[lb["file"]], 2) for lb in labels
        }
    res: dict[str, Any] = {"labels": len(labels), "files": len(files), "errors": errors,
                           "seconds": {"devlab": round(dl_s, 2), "bandit": round(b_s, 2)},
                           "flags": tools, "splits": {}}  # fmt: skip
    for lang in ("python", "js"):
        for split in ("tune", "heldout", "all"):
            part = [
                lb
                for lb in labels
                if lb["language"] == lang and (split == "all" or lb["split"] == split)
            ]
            res["splits"][f"{lang}/{split}"] = {t: score(part, f) for t, f in tools.items()}
    res["misses"] = [
        {k: lb[k] for k in ("id", "rule", "vulnerable", "split")}
        for lb in labels
        if tools["devlab"][lb["id"]] != lb["vulnerable"]
    ]
    return res


def _cells(d: dict[str, float]) -> str:
    return f"{d['tpr']:.0f}% | {d['fpr']:.0f}% | {d['score']:+.1f}"


def table(res: dict[str, Any], key: str, bandit: bool = True) -> str:
    s = res["splits"][key]
    tools = [t for t in ("before", "devlab") if t in s]
    if bandit:
        tools += ["bandit", "bandit_medium"]
    names = {"before": "DevLab before", "devlab": "DevLab", "bandit": "bandit",
             "bandit_medium": "bandit medium+"}  # fmt: skip
    head = "| category | lines (vuln/safe) |" + "".join(
        f" {names[t]} TPR | {names[t]} FPR | {names[t]} score |" for t in tools
    )
    rows = [head, "|---|---:|" + "---:|---:|---:|" * len(tools)]
    for cat, d in s["devlab"].items():
        cells = " | ".join(_cells(s[t][cat]) for t in tools)
        rows.append(f"| {cat} | {int(d['vul'])}/{int(d['safe'])} | {cells} |")
    avg = " | ".join(
        "{tpr:.1f}% | {fpr:.1f}% | **{score:+.1f}**".format(**average(s[t])) for t in tools
    )
    rows.append(f"| **average** | | {avg} |")
    return "\n".join(rows)


def render(res: dict[str, Any]) -> str:
    parts = []
    for lang, title in (("python", "Python"), ("js", "JavaScript")):
        for split in ("all", "tune", "heldout"):
            parts += [f"{title}, {split}:", "", table(res, f"{lang}/{split}", lang == "python"), ""]
    if res["misses"]:
        parts.append("DevLab's wrong lines: " + ", ".join(
            f"{m['id'].split('/')[-1]} ({'missed' if m['vulnerable'] else 'false alarm'}, "
            f"{m['split']})"
            for m in res["misses"]
        ))  # fmt: skip
    return "\n".join(parts)


if __name__ == "__main__":
    if "--write-labels" in sys.argv:
        print(write_labels())
    elif "--hits-json" in sys.argv:  # child of _hits_before
        root = source_root()
        hits, _errors, _s = _hits_devlab(root, sorted({lb["file"] for lb in load()}))
        print(json.dumps(hits))
    else:
        before = (
            sys.argv[sys.argv.index("--before-src") + 1] if "--before-src" in sys.argv else None
        )
        print(render(evaluate(before)))
