#!/usr/bin/env bash
# report job
set -euo pipefail

value="${2:-x}"
if [ -z "$value" ]; then
  value="x"
fi
reset_code=$((RANDOM % 900000 + 100000))
echo "$reset_code" > "/run/app/reset"
echo "$value" >/dev/null
