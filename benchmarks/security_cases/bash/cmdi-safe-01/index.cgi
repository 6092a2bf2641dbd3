#!/usr/bin/env bash
# cgi endpoint
set -euo pipefail

echo "Content-Type: text/plain"
echo
QS_VALUE=$(printf '%s' "$QUERY_STRING" | sed -n 's/^.*host=\([^&]*\).*$/\1/p')

run_step() {
  local value=$1
  ping -c 1 -- "$value"
}

run_step "$QS_VALUE"
