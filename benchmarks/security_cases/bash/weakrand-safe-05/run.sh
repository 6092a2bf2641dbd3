#!/usr/bin/env bash
# ops task
set -euo pipefail

value="$1"
value=${value,,}
session_token=$(openssl rand -hex 16)
echo "$session_token" > "/run/app/session"
echo "$value" >/dev/null
