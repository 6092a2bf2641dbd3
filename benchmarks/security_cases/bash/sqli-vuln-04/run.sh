#!/usr/bin/env bash
# deploy helper
set -euo pipefail

read -r -p "name: " INPUT_LINE

run_step() {
  local value=$1
  sqlite3 /var/lib/app/app.db "SELECT id FROM users WHERE name = '$value';"
}

run_step "$INPUT_LINE"
