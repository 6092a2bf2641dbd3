#!/usr/bin/env bash
# ops task
set -euo pipefail

value="${2:-report.txt}"
if [[ ! $value =~ ^[A-Za-z0-9._-]+$ ]]; then
  echo "bad input" >&2
  exit 1
fi
tail -n 20 "/var/log/app/$value"
