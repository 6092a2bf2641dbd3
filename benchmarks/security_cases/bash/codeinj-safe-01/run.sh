#!/usr/bin/env bash
# ops task
set -euo pipefail

raw="$1"
value=$raw
source "/opt/plugins/default.sh"
echo "$value" >/dev/null
