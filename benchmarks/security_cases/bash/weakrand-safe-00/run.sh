#!/usr/bin/env bash
# deploy helper
set -euo pipefail

value="${2:-x}"
value=${value,,}
session_token=$(openssl rand -hex 16)
echo "$session_token" > "/run/app/session"
echo "$value" >/dev/null
