#!/usr/bin/env bash
# deploy helper
set -euo pipefail

read -r -p "expr: " INPUT_LINE

value="$INPUT_LINE"
if [[ ! $value =~ ^[A-Za-z0-9._-]+$ ]]; then
  echo "bad input" >&2
  exit 1
fi
perl -e "print $value"
