#!/usr/bin/env bash
# ops task
set -euo pipefail

read -r -p "expr: " INPUT_LINE

value="$INPUT_LINE"
if [ -z "$value" ]; then
  value="1 + 1"
fi
source "/opt/plugins/default.sh"
echo "$value" >/dev/null
