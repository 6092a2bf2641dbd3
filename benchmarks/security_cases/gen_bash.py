# ruff: noqa: E501  (the idiom templates are code as data: one template a line)
"""Generate DevLab's labelled Bash security benchmark (``bash/``), like gen_js.py.

    python benchmarks/security_cases/gen_bash.py

Scripts that take untrusted input the ways shell code does: positional arguments
(``$1``, ``${2:-default}``), ``getopts`` options, ``read`` from stdin, and CGI scripts
reading ``QUERY_STRING`` / ``HTTP_*`` from the environment. Per category vulnerable
sinks and safe counterparts; flows direct, through another variable, a function's
argument, an array, a default expansion, lower-casing; safe flows by constant
re-assignment, a ``case`` allow-list, an anchored ``[[ =~ ]]`` check that exits, and
arithmetic. Categories are those shell scripts meet: OS command injection (``eval``,
``sh -c``, ``ssh``), code injection (``source``, ``python -c``, ``awk``/``perl``
programs built from input), SQL injection (``sqlite3`` / ``psql -c`` / ``mysql -e``
text), path traversal (file commands on an input path) and predictable secrets
(``$RANDOM``). Written before any tuning of the Bash model; split tune/held-out by a hash
of the case id.
"""

from __future__ import annotations

import hashlib
import json
import random
import shutil
from pathlib import Path

OUT = Path(__file__).resolve().parent / "bash"
PER_SIDE = 8
CWE = {
    "cmdi": "CWE-78",
    "codeinj": "CWE-94",
    "sqli": "CWE-89",
    "path": "CWE-22",
    "weakrand": "CWE-330",
}
CONST = {
    "cmdi": "localhost",
    "codeinj": "1 + 1",
    "sqli": "alice",
    "path": "report.txt",
    "weakrand": "x",
}
NAMES = {"cmdi": "host", "codeinj": "expr", "sqli": "name", "path": "file", "weakrand": "email"}

# source kind -> (preamble, expression); "{n}" is the parameter's name
SOURCES = {
    "arg": ("", '"$1"'),
    "arg_default": ("", '"${2:-{C}}"'),
    "getopts": (
        'while getopts "{f}:" opt; do\n  case $opt in\n    {f}) OPT_VALUE=$OPTARG ;;\n    *) exit 2 ;;\n  esac\ndone\n',
        '"$OPT_VALUE"',
    ),
    "read": ('read -r -p "{n}: " INPUT_LINE\n', '"$INPUT_LINE"'),
    "cgi_query": (
        "echo \"Content-Type: text/plain\"\necho\nQS_VALUE=$(printf '%s' \"$QUERY_STRING\" | sed -n 's/^.*{n}=\\([^&]*\\).*$/\\1/p')\n",
        '"$QS_VALUE"',
    ),
    "cgi_header": ('echo "Content-Type: text/plain"\necho\n', '"$HTTP_X_{N}"'),
}


def sinks(cat: str, vuln: bool) -> list[str]:
    """Sink lines ("$value" is the variable)."""
    v = "$value"
    if cat == "cmdi":
        return (
            [
                f'eval "ping -c 1 {v}"',
                f'sh -c "nslookup {v}"',
                f'bash -c "dig +short {v} | head -n 1"',
                f'ssh deploy@build.internal "ls /srv/{v}"',
            ]
            if vuln
            else [
                f'ping -c 1 -- "{v}"',
                f'nslookup -- "{v}"',
                f'printf -v quoted \'%q\' "{v}"\neval "ping -c 1 $quoted"',
            ]
        )
    if cat == "codeinj":
        return (
            [
                f'source "/opt/plugins/{v}"',
                f'python3 -c "print({v})"',
                f'awk "BEGIN {{ print {v} }}"',
                f'perl -e "print {v}"',
            ]
            if vuln
            else [
                f"python3 -c 'import sys; print(len(sys.argv[1]))' \"{v}\"",
                f"awk -v x=\"{v}\" 'BEGIN {{ print length(x) }}'",
                'source "/opt/plugins/default.sh"\necho "' + v + '" >/dev/null',
            ]
        )
    if cat == "sqli":
        return (
            [
                f"sqlite3 /var/lib/app/app.db \"SELECT id FROM users WHERE name = '{v}';\"",
                f"psql -d app -c \"DELETE FROM carts WHERE owner = '{v}'\"",
                f"mysql app -e \"SELECT * FROM orders WHERE customer = '{v}'\"",
            ]
            if vuln
            else [
                f'psql -d app -v owner="{v}" -f /opt/app/delete_cart.sql',
                'sqlite3 /var/lib/app/app.db "SELECT id FROM users WHERE name = \'alice\';"\necho "'
                + v
                + '" >/dev/null',
            ]
        )
    if cat == "path":
        return (
            [
                f'cat "/srv/files/{v}"',
                f'rm -f -- "/var/uploads/{v}"',
                f'cp "/srv/reports/{v}" /tmp/outbox/',
                f'tail -n 20 "/var/log/app/{v}"',
            ]
            if vuln
            else [
                f'cat "/srv/files/$(basename -- "{v}")"',
                'rm -f -- "/var/uploads/${value##*/}"',
            ]
        )
    if cat == "weakrand":
        return (
            [
                'session_token="$RANDOM$RANDOM$RANDOM"\necho "$session_token" > "/run/app/session"\necho "'
                + v
                + '" >/dev/null',
                'reset_code=$((RANDOM % 900000 + 100000))\necho "$reset_code" > "/run/app/reset"\necho "'
                + v
                + '" >/dev/null',
            ]
            if vuln
            else [
                'session_token=$(openssl rand -hex 16)\necho "$session_token" > "/run/app/session"\necho "'
                + v
                + '" >/dev/null',
                'reset_code=$(od -An -N4 -tu4 /dev/urandom | tr -d \' \')\necho "$reset_code" > "/run/app/reset"\necho "'
                + v
                + '" >/dev/null',
            ]
        )
    raise KeyError(cat)


VULN_FLOWS = [
    "value={S}",
    "raw={S}\nvalue=$raw",
    "value={S}\nvalue=${value,,}",
    "args=({S})\nvalue=${args[0]}",
    'value={S}\nif [ -z "$value" ]; then\n  value="{C}"\nfi',
    "FUNC",
]
SAFE_FLOWS = [
    'value={S}\nvalue="{C}"',
    'value={S}\ncase "$value" in\n  {C}|other) ;;\n  *) value="{C}" ;;\nesac',
    'value={S}\nif [[ ! $value =~ ^[A-Za-z0-9._-]+$ ]]; then\n  echo "bad input" >&2\n  exit 1\nfi',
]
CONFIG_ONLY = {"weakrand"}


def build(cat: str, vuln: bool, rng: random.Random) -> tuple[str, dict]:
    kind = rng.choice(list(SOURCES))
    n = NAMES[cat]
    pre, src = SOURCES[kind]
    pre = pre.replace("{n}", n).replace("{f}", n[0]).replace("{N}", n.upper())
    src = src.replace("{n}", n).replace("{N}", n.upper()).replace("{C}", CONST[cat])
    if vuln or cat in CONFIG_ONLY or rng.random() < 0.5:
        sink = rng.choice(sinks(cat, vuln))
        flow = rng.choice(VULN_FLOWS)
        safe_kind = "" if vuln else "safe_sink"
    else:
        sink = rng.choice(sinks(cat, True))
        flow = rng.choice(SAFE_FLOWS)
        safe_kind = "safe_flow"
    if flow == "FUNC":  # the sink in a function, the input passed as its argument
        body = (
            "run_step() {\n  local value=$1\n  "
            + sink.replace("\n", "\n  ")
            + "\n}\n\nrun_step "
            + src
            + "\n"
        )
    else:
        body = flow.replace("{S}", src).replace("{C}", CONST[cat]) + "\n" + sink + "\n"
    head = (
        "#!/usr/bin/env bash\n# "
        + rng.choice(["deploy helper", "ops task", "report job", "cgi endpoint"])
        + "\nset -euo pipefail\n\n"
    )
    text = head + pre + ("\n" if pre else "") + body
    label = {
        "category": cat,
        "cwe": CWE[cat],
        "vulnerable": vuln,
        "framework": kind,
        "safe_kind": safe_kind,
    }
    return text, label


def main() -> int:
    rng = random.Random(1720)
    if OUT.exists():
        shutil.rmtree(OUT)
    OUT.mkdir(parents=True)
    labels = {}
    for cat in CWE:
        for vuln in (True, False):
            for i in range(PER_SIDE):
                cid = f"{cat}-{'vuln' if vuln else 'safe'}-{i:02d}"
                text, label = build(cat, vuln, rng)
                (OUT / cid).mkdir()
                name = "index.cgi" if label["framework"].startswith("cgi") else "run.sh"
                (OUT / cid / name).write_text(text)
                label["split"] = (
                    "heldout" if hashlib.sha256(cid.encode()).digest()[0] % 2 else "tune"
                )
                labels[cid] = label
    (OUT / "labels.json").write_text(json.dumps(labels, indent=1, sort_keys=True) + "\n")
    print(f"wrote {len(labels)} cases to {OUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
