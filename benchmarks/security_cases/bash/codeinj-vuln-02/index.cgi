#!/usr/bin/env bash
# cgi endpoint
set -euo pipefail

echo "Content-Type: text/plain"
echo
QS_VALUE=$(printf '%s' "$QUERY_STRING" | sed -n 's/^.*expr=\([^&]*\).*$/\1/p')

value="$QS_VALUE"
if [ -z "$value" ]; then
  value="1 + 1"
fi
perl -e "print $value"
