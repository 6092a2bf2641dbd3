#!/usr/bin/env bash
# cgi endpoint
set -euo pipefail

echo "Content-Type: text/plain"
echo
QS_VALUE=$(printf '%s' "$QUERY_STRING" | sed -n 's/^.*expr=\([^&]*\).*$/\1/p')

value="$QS_VALUE"
case "$value" in
  1 + 1|other) ;;
  *) value="1 + 1" ;;
esac
perl -e "print $value"
