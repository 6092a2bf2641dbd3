#!/usr/bin/env bash
# deploy helper
set -euo pipefail

value="${2:-1 + 1}"
value=${value,,}
python3 -c "print($value)"
