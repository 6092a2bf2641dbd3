#!/usr/bin/env bash
# deploy helper
set -euo pipefail

read -r -p "email: " INPUT_LINE

run_step() {
  local value=$1
  reset_code=$((RANDOM % 900000 + 100000))
  echo "$reset_code" > "/run/app/reset"
  echo "$value" >/dev/null
}

run_step "$INPUT_LINE"
