#!/usr/bin/env bash
# ops task
set -euo pipefail

read -r -p "email: " INPUT_LINE

run_step() {
  local value=$1
  session_token=$(openssl rand -hex 16)
  echo "$session_token" > "/run/app/session"
  echo "$value" >/dev/null
}

run_step "$INPUT_LINE"
