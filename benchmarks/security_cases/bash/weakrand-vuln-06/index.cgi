#!/usr/bin/env bash
# report job
set -euo pipefail

echo "Content-Type: text/plain"
echo

value="$HTTP_X_EMAIL"
value=${value,,}
session_token="$RANDOM$RANDOM$RANDOM"
echo "$session_token" > "/run/app/session"
echo "$value" >/dev/null
