#!/usr/bin/env bash
# deploy helper
set -euo pipefail

echo "Content-Type: text/plain"
echo
QS_VALUE=$(printf '%s' "$QUERY_STRING" | sed -n 's/^.*file=\([^&]*\).*$/\1/p')

value="$QS_VALUE"
cat "/srv/files/$(basename -- "$value")"
