#!/usr/bin/env bash
# deploy helper
set -euo pipefail

read -r -p "name: " INPUT_LINE

value="$INPUT_LINE"
case "$value" in
  alice|other) ;;
  *) value="alice" ;;
esac
sqlite3 /var/lib/app/app.db "SELECT id FROM users WHERE name = '$value';"
