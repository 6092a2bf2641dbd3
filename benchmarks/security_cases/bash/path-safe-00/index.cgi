#!/usr/bin/env bash
# report job
set -euo pipefail

echo "Content-Type: text/plain"
echo
QS_VALUE=$(printf '%s' "$QUERY_STRING" | sed -n 's/^.*file=\([^&]*\).*$/\1/p')

value="$QS_VALUE"
case "$value" in
  report.txt|other) ;;
  *) value="report.txt" ;;
esac
tail -n 20 "/var/log/app/$value"
