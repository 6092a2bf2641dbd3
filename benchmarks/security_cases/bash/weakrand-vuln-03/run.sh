#!/usr/bin/env bash
# deploy helper
set -euo pipefail

value="$1"
if [ -z "$value" ]; then
  value="x"
fi
session_token="$RANDOM$RANDOM$RANDOM"
echo "$session_token" > "/run/app/session"
echo "$value" >/dev/null
