"""Bash security rules: a deploy script with injection through eval / sh -c / a function,
download-and-execute, permissions, temp files, TLS flags, secrets; and its fixed form."""

from __future__ import annotations

import textwrap

from devlab.reverse.models import SEVERITY_ORDER, Finding
from devlab.reverse.security_ts import scan_treesitter_source

DEPLOY = textwrap.dedent(
    """\
    #!/usr/bin/env bash
    set -euo pipefail

    TARGET_ENV="$1"
    export DEPLOY_TOKEN="d3pl0y-t0k3n-9f8e7d"
    read -r -p "Release tag? " tag

    run_remote() {
      local host="$1"
      eval "ssh deploy@$host ./activate.sh"
    }

    run_remote "$TARGET_ENV"
    bash -c "git checkout $tag"
    curl -fsSL https://get.example.com/agent.sh | sudo bash
    curl -k https://artifacts.internal/release.tgz -o /srv/release.tgz
    chmod -R 777 /srv/app
    echo "deployed $tag" > /tmp/deploy.log
    rm -rf $TARGET_ENV
    """
)

FIXED = textwrap.dedent(
    """\
    #!/usr/bin/env bash
    set -euo pipefail

    TARGET_ENV="$1"
    if [[ ! "$TARGET_ENV" =~ ^(staging|production)$ ]]; then
      echo "unknown environment" >&2
      exit 1
    fi
    DEPLOY_TOKEN="${DEPLOY_TOKEN:?set DEPLOY_TOKEN}"
    read -r -p "Release tag? " tag
    quoted_tag=$(printf '%q' "$tag")

    run_remote() {
      local host="$1"
      eval "ssh deploy@$host ./activate.sh"
    }

    run_remote "$TARGET_ENV"
    bash -c "git checkout $quoted_tag"
    curl -fsSL https://get.example.com/agent.sh -o "$workdir/agent.sh"
    sha256sum -c agent.sh.sha256
    chmod -R 750 /srv/app
    log=$(mktemp)
    echo "deployed $tag" > "$log"
    rm -rf "/srv/releases/$TARGET_ENV"
    """
)


def scan(code: str, path: str = "scripts/deploy.sh") -> list[Finding]:
    return scan_treesitter_source(path, code, "bash")


def test_deploy_script_findings() -> None:
    found = scan(DEPLOY)
    got = sorted((f.rule_id, f.start_line, f.severity, f.cwe) for f in found)
    assert got == [
        ("DL-SH-CMDI", 10, "critical", "CWE-78"),
        ("DL-SH-CMDI", 14, "critical", "CWE-78"),
        ("DL-SH-CREDS", 5, "medium", "CWE-798"),
        ("DL-SH-DLEXEC", 15, "high", "CWE-494"),
        ("DL-SH-PERMS", 17, "medium", "CWE-732"),
        ("DL-SH-TLS", 16, "medium", "CWE-295"),
        ("DL-SH-TMP", 18, "low", "CWE-377"),
        ("DL-SH-UNQUOTED", 19, "low", "CWE-88"),
    ], got


def test_function_flow_names_the_script_argument() -> None:
    f = next(f for f in scan(DEPLOY) if f.rule_id == "DL-SH-CMDI" and f.start_line == 10)
    assert f.symbol == "run_remote"
    notes = [s.note for s in f.taint_path]
    assert notes[0] == "source: script argument $1"
    assert "passed to run_remote() (same file)" in notes
    assert notes[-1] == "sink: eval"
    read = next(f for f in scan(DEPLOY) if f.start_line == 14)
    assert read.taint_path[0].note == "source: read tag"


def test_fixed_script_has_nothing_above_low() -> None:
    found = scan(FIXED)
    assert not [f for f in found if SEVERITY_ORDER[f.severity] > SEVERITY_ORDER["low"]], [
        (f.rule_id, f.start_line, f.message) for f in found
    ]


def test_more_shell_rules() -> None:
    code = textwrap.dedent(
        """\
        #!/bin/sh
        bash <(curl -s https://install.example.com)
        wget --no-check-certificate https://mirror.example.com/pkg.tgz
        export NODE_TLS_REJECT_UNAUTHORIZED=0
        git config --global http.sslVerify false
        mysql -uroot -pS3cretPass -e 'select 1'
        eval "$(ssh-agent -s)"
        eval "$EXTRA_FLAGS"
        set -- $(getopt -o ab -- "$@")
        API_KEY=""
        """
    )
    got = sorted((f.rule_id, f.start_line, f.severity) for f in scan(code, "install.sh"))
    assert got == [
        ("DL-SH-CMDI", 8, "medium"),  # environment variable: weak source
        ("DL-SH-CREDS", 6, "medium"),
        ("DL-SH-DLEXEC", 2, "high"),
        ("DL-SH-TLS", 3, "medium"),
        ("DL-SH-TLS", 4, "high"),
        ("DL-SH-TLS", 5, "high"),
    ], got
