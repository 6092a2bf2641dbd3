#!/usr/bin/env bash
# deploy helper
set -euo pipefail

echo "Content-Type: text/plain"
echo
QS_VALUE=$(printf '%s' "$QUERY_STRING" | sed -n 's/^.*expr=\([^&]*\).*$/\1/p')

value="$QS_VALUE"
value=${value,,}
perl -e "print $value"
