#!/usr/bin/env bash
# report job
set -euo pipefail

value="$1"
value=${value,,}
sqlite3 /var/lib/app/app.db "SELECT id FROM users WHERE name = '$value';"
