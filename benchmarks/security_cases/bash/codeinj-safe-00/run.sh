#!/usr/bin/env bash
# deploy helper
set -euo pipefail

value="$1"
case "$value" in
  1 + 1|other) ;;
  *) value="1 + 1" ;;
esac
awk "BEGIN { print $value }"
