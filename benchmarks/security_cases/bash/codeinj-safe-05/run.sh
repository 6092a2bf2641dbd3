#!/usr/bin/env bash
# ops task
set -euo pipefail

value="${2:-1 + 1}"
if [[ ! $value =~ ^[A-Za-z0-9._-]+$ ]]; then
  echo "bad input" >&2
  exit 1
fi
source "/opt/plugins/$value"
