#!/usr/bin/env bash
# cgi endpoint
set -euo pipefail

echo "Content-Type: text/plain"
echo

args=("$HTTP_X_EMAIL")
value=${args[0]}
session_token="$RANDOM$RANDOM$RANDOM"
echo "$session_token" > "/run/app/session"
echo "$value" >/dev/null
