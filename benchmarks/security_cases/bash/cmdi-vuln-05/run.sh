#!/usr/bin/env bash
# report job
set -euo pipefail

run_step() {
  local value=$1
  bash -c "dig +short $value | head -n 1"
}

run_step "${2:-localhost}"
