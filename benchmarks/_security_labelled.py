"""DevLab's own labelled security benchmark: per-category TPR / FPR / score, with bandit.

Used by ``bench_security.py --labelled``. The cases are ``benchmarks/security_cases/<lang>/``
(written by ``security_cases/gen_python.py`` before any tuning); each is a small
project (``app.py`` and maybe ``helpers.py``) that is vulnerable or a safe look-alike.

Scoring per category (OWASP-Benchmark style): a case is *flagged* by a tool when the
tool reports, anywhere in the case's files, a finding of the category's CWE family.
DevLab counts in its default view (severity >= medium: presence-only findings are
low/info and do not count); bandit counts every finding (it has no data flow, so its
severity says nothing about reachability; at medium+ it is also shown). TPR = flagged
vulnerable / vulnerable, FPR = flagged safe / safe, score = TPR - FPR (0 = guessing,
+100 = perfect); the averaged score is the mean over categories.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

CASES_DIR = Path(__file__).resolve().parent / "security_cases"
SEVERITY = {"info": 0, "low": 1, "medium": 2, "high": 3, "critical": 4}
FAMILY = {
    "cmdi": {"CWE-78", "CWE-77", "CWE-88"},
    "sqli": {"CWE-89"},
    "xxe": {"CWE-611", "CWE-776"},
    "path": {"CWE-22", "CWE-23", "CWE-73"},
    "xss": {"CWE-79", "CWE-80"},
    "redirect": {"CWE-601"},
    "ldap": {"CWE-90"},
    "xpath": {"CWE-643"},
    "trust": {"CWE-501"},
    "weakhash": {"CWE-327", "CWE-328", "CWE-916"},
    "weakrand": {"CWE-330", "CWE-338"},
    "cookie": {"CWE-614", "CWE-1004", "CWE-315"},
    "codeinj": {"CWE-94", "CWE-95"},
    "deser": {"CWE-502"},
    "ssti": {"CWE-1336", "CWE-94"},
}


def load(language: str) -> dict[str, dict[str, Any]]:
    path = CASES_DIR / language / "labels.json"
    return json.loads(path.read_text()) if path.exists() else {}


def case_files(language: str, case_id: str) -> dict[str, str]:
    d = CASES_DIR / language / case_id
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(d.iterdir()) if p.is_file()}


def run_devlab(language: str, labels: dict[str, dict]) -> tuple[dict[str, list], dict, float]:
    """(case -> [(cwe, severity)], case -> unanalysed files, seconds)."""
    from devlab.reverse.security import scan_project_sources

    out: dict[str, list] = {}
    unanalysed: dict[str, list[str]] = {}
    t0 = time.perf_counter()
    for cid in labels:
        result = scan_project_sources(case_files(language, cid))
        out[cid] = [(f.cwe, f.severity) for f in result.findings]
        if result.unanalysed:
            unanalysed[cid] = [p for p, _ in result.unanalysed]
    return out, unanalysed, time.perf_counter() - t0


def run_bandit(language: str, labels: dict[str, dict]) -> tuple[dict[str, list], dict, float]:
    from devlab.reverse.security_python import BANDIT_CWE

    out: dict[str, list] = {cid: [] for cid in labels}
    errors: dict[str, list[str]] = {}
    if language != "python":
        return out, errors, 0.0
    root = CASES_DIR / language
    bandit = Path(sys.executable).with_name("bandit")
    cmd = [str(bandit) if bandit.exists() else "bandit", "-r", "-f", "json", "-q", str(root)]
    t0 = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True)
    took = time.perf_counter() - t0
    report = json.loads(done.stdout or "{}")
    for err in report.get("errors", []):
        cid = Path(err["filename"]).parent.name
        errors.setdefault(cid, []).append(Path(err["filename"]).name)
    for r in report.get("results", []):
        cid = Path(r["filename"]).parent.name
        if cid not in out:
            continue
        cwe = BANDIT_CWE.get(r["test_id"])
        if cwe is None and (r.get("issue_cwe") or {}).get("id"):
            cwe = f"CWE-{r['issue_cwe']['id']}"
        out[cid].append((cwe, r["issue_severity"].lower()))
    return out, errors, took


def score(
    labels: dict[str, dict], hits: dict[str, list], min_sev: int, split: str | None = None
) -> dict[str, dict[str, float]]:
    """category -> {tpr, fpr, score, n} over the cases of ``split`` (None: all)."""
    per: dict[str, dict[str, int]] = {}
    for cid, lab in labels.items():
        if split and lab["split"] != split:
            continue
        cat = lab["category"]
        fam = FAMILY[cat]
        flagged = any(c in fam and SEVERITY.get(s, 2) >= min_sev for c, s in hits.get(cid, []))
        d = per.setdefault(cat, {"tp": 0, "fn": 0, "fp": 0, "tn": 0})
        if lab["vulnerable"]:
            d["tp" if flagged else "fn"] += 1
        else:
            d["fp" if flagged else "tn"] += 1
    out: dict[str, dict[str, float]] = {}
    for cat, d in per.items():
        pos, neg = d["tp"] + d["fn"], d["fp"] + d["tn"]
        tpr = 100 * d["tp"] / pos if pos else 0.0
        fpr = 100 * d["fp"] / neg if neg else 0.0
        out[cat] = {"tpr": tpr, "fpr": fpr, "score": tpr - fpr, "n": pos + neg}
    return out


def average(per: dict[str, dict[str, float]]) -> dict[str, float]:
    n = len(per) or 1
    return {k: sum(v[k] for v in per.values()) / n for k in ("tpr", "fpr", "score")}


def evaluate(language: str = "python") -> dict[str, Any]:
    labels = load(language)
    dl, unanalysed, dl_s = run_devlab(language, labels)
    bd, bd_errors, bd_s = run_bandit(language, labels)
    res: dict[str, Any] = {
        "language": language,
        "cases": len(labels),
        "seconds": {"devlab": round(dl_s, 1), "bandit": round(bd_s, 1)},
        "unanalysed": unanalysed,
        "bandit_unparsed": bd_errors,
        "splits": {},
    }
    for split in ("tune", "heldout", None):
        res["splits"][split or "all"] = {
            "devlab": score(labels, dl, 2, split),
            "bandit": score(labels, bd, 0, split),
            "bandit_medium": score(labels, bd, 2, split),
        }
    return res


def table(res: dict[str, Any], split: str) -> str:
    s = res["splits"][split]
    rows = [
        "| category | cases | DevLab TPR | DevLab FPR | DevLab score | bandit TPR | bandit FPR "
        "| bandit score |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for cat in FAMILY:
        d, b = s["devlab"].get(cat), s["bandit"].get(cat)
        if not d:
            continue
        rows.append(
            f"| {cat} | {int(d['n'])} | {d['tpr']:.0f}% | {d['fpr']:.0f}% | {d['score']:+.1f} "
            f"| {b['tpr']:.0f}% | {b['fpr']:.0f}% | {b['score']:+.1f} |"
        )
    ad, ab = average(s["devlab"]), average(s["bandit"])
    rows.append(
        f"| **average** | {sum(int(v['n']) for v in s['devlab'].values())} | {ad['tpr']:.1f}% "
        f"| {ad['fpr']:.1f}% | **{ad['score']:+.1f}** | {ab['tpr']:.1f}% | {ab['fpr']:.1f}% "
        f"| **{ab['score']:+.1f}** |"
    )
    return "\n".join(rows)


def per_file_scores() -> dict[str, Any]:
    """Averaged scores with ``scan_source`` file by file: the API every DevLab version
    has, so an earlier commit's source can be measured (``bench_security.py
    --before-src``). A file that raises counts as unanalysed."""
    from devlab.reverse.security import scan_source

    out: dict[str, Any] = {}
    for lang in ("python", "js", "java", "go", "bash", "js_project"):
        labels = load(lang)
        hits: dict[str, list] = {}
        unanalysed = 0
        for cid in labels:
            found: list = []
            for path, text in case_files(lang, cid).items():
                try:
                    found += [(f.cwe, f.severity) for f in scan_source(path, text)]
                except Exception:
                    unanalysed += 1
            hits[cid] = found
        out[lang] = {
            split: average(score(labels, hits, 2, None if split == "all" else split))
            for split in ("tune", "heldout", "all")
        }
        out[lang]["unanalysed_files"] = unanalysed
    return out


SNAPSHOT = CASES_DIR / "flagged.json"
LANGUAGES = ("python", "js", "java", "go", "bash", "js_project")


def flagged(labels: dict[str, dict], hits: dict[str, list]) -> list[str]:
    """The cases DevLab flags at its default view (a finding of the case's CWE family at
    severity >= medium): every score of the labelled benchmark follows from this list."""
    out = []
    for cid, lab in labels.items():
        fam = FAMILY[lab["category"]]
        if any(c in fam and SEVERITY.get(s, 2) >= 2 for c, s in hits.get(cid, [])):
            out.append(cid)
    return sorted(out)


def snapshot() -> dict[str, list[str]]:
    """language -> flagged case ids, with the DevLab on ``sys.path`` (project scans)."""
    out = {}
    for lang in LANGUAGES:
        labels = load(lang)
        out[lang] = flagged(labels, run_devlab(lang, labels)[0])
    return out


if __name__ == "__main__":
    if sys.argv[1:2] in (["--write-snapshot"], ["--check-snapshot"]):
        # --write-snapshot: record which cases are flagged (security_cases/flagged.json);
        # --check-snapshot: compare this DevLab's flags with the record (e.g. after a
        # refactoring that must not change results); exit 1 on a difference
        now = snapshot()
        if sys.argv[1] == "--write-snapshot":
            SNAPSHOT.write_text(json.dumps(now, indent=0) + "\n")
            print(f"wrote {SNAPSHOT}: " + ", ".join(f"{k} {len(v)}" for k, v in now.items()))
            raise SystemExit(0)
        old = json.loads(SNAPSHOT.read_text())
        diff = {k: sorted(set(old.get(k, [])) ^ set(v)) for k, v in now.items()}
        print(json.dumps({k: v for k, v in diff.items() if v} or "unchanged"))
        raise SystemExit(1 if any(diff.values()) else 0)
    if sys.argv[1:] == ["--per-file-json"]:
        print(json.dumps(per_file_scores()))
        raise SystemExit(0)
    lang = sys.argv[1] if len(sys.argv) > 1 else "python"
    split = sys.argv[2] if len(sys.argv) > 2 else "tune"
    r = evaluate(lang)
    print(table(r, split))
    print("unanalysed cases:", len(r["unanalysed"]), " bandit unparsed:", len(r["bandit_unparsed"]))
