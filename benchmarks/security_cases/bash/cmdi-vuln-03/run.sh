#!/usr/bin/env bash
# deploy helper
set -euo pipefail

value="$1"
value=${value,,}
eval "ping -c 1 $value"
