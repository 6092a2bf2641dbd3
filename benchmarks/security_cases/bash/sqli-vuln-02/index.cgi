#!/usr/bin/env bash
# report job
set -euo pipefail

echo "Content-Type: text/plain"
echo

value="$HTTP_X_NAME"
if [ -z "$value" ]; then
  value="alice"
fi
sqlite3 /var/lib/app/app.db "SELECT id FROM users WHERE name = '$value';"
