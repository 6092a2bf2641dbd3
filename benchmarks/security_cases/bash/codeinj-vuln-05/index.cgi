#!/usr/bin/env bash
# report job
set -euo pipefail

echo "Content-Type: text/plain"
echo

raw="$HTTP_X_EXPR"
value=$raw
source "/opt/plugins/$value"
