#!/usr/bin/env bash
# cgi endpoint
set -euo pipefail

value="$1"
value=${value,,}
reset_code=$((RANDOM % 900000 + 100000))
echo "$reset_code" > "/run/app/reset"
echo "$value" >/dev/null
