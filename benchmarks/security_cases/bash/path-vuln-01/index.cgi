#!/usr/bin/env bash
# cgi endpoint
set -euo pipefail

echo "Content-Type: text/plain"
echo
QS_VALUE=$(printf '%s' "$QUERY_STRING" | sed -n 's/^.*file=\([^&]*\).*$/\1/p')

value="$QS_VALUE"
value=${value,,}
cp "/srv/reports/$value" /tmp/outbox/
