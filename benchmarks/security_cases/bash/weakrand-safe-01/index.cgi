#!/usr/bin/env bash
# cgi endpoint
set -euo pipefail

echo "Content-Type: text/plain"
echo

value="$HTTP_X_EMAIL"
session_token=$(openssl rand -hex 16)
echo "$session_token" > "/run/app/session"
echo "$value" >/dev/null
