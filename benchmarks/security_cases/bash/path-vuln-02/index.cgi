#!/usr/bin/env bash
# ops task
set -euo pipefail

echo "Content-Type: text/plain"
echo
QS_VALUE=$(printf '%s' "$QUERY_STRING" | sed -n 's/^.*file=\([^&]*\).*$/\1/p')

value="$QS_VALUE"
tail -n 20 "/var/log/app/$value"
