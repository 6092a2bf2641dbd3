#!/usr/bin/env bash
# ops task
set -euo pipefail

echo "Content-Type: text/plain"
echo
QS_VALUE=$(printf '%s' "$QUERY_STRING" | sed -n 's/^.*expr=\([^&]*\).*$/\1/p')

value="$QS_VALUE"
value=${value,,}
awk -v x="$value" 'BEGIN { print length(x) }'
