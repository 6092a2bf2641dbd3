#!/usr/bin/env bash
# report job
set -euo pipefail

value="${2:-x}"
session_token=$(openssl rand -hex 16)
echo "$session_token" > "/run/app/session"
echo "$value" >/dev/null
