#!/usr/bin/env bash
# cgi endpoint
set -euo pipefail

read -r -p "email: " INPUT_LINE

args=("$INPUT_LINE")
value=${args[0]}
reset_code=$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')
echo "$reset_code" > "/run/app/reset"
echo "$value" >/dev/null
