#!/usr/bin/env bash
# ops task
set -euo pipefail

read -r -p "name: " INPUT_LINE

run_step() {
  local value=$1
  psql -d app -v owner="$value" -f /opt/app/delete_cart.sql
}

run_step "$INPUT_LINE"
