#!/usr/bin/env bash
# cgi endpoint
set -euo pipefail

value="${2:-1 + 1}"
if [ -z "$value" ]; then
  value="1 + 1"
fi
awk "BEGIN { print $value }"
