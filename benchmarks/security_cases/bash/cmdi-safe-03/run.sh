#!/usr/bin/env bash
# report job
set -euo pipefail

read -r -p "host: " INPUT_LINE

value="$INPUT_LINE"
case "$value" in
  localhost|other) ;;
  *) value="localhost" ;;
esac
sh -c "nslookup $value"
