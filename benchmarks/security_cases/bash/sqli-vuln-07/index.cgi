#!/usr/bin/env bash
# report job
set -euo pipefail

echo "Content-Type: text/plain"
echo
QS_VALUE=$(printf '%s' "$QUERY_STRING" | sed -n 's/^.*name=\([^&]*\).*$/\1/p')

value="$QS_VALUE"
value=${value,,}
sqlite3 /var/lib/app/app.db "SELECT id FROM users WHERE name = '$value';"
