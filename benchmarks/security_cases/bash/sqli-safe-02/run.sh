#!/usr/bin/env bash
# cgi endpoint
set -euo pipefail

value="$1"
value="alice"
sqlite3 /var/lib/app/app.db "SELECT id FROM users WHERE name = '$value';"
