#!/usr/bin/env bash
# report job
set -euo pipefail

echo "Content-Type: text/plain"
echo

raw="$HTTP_X_HOST"
value=$raw
ssh deploy@build.internal "ls /srv/$value"
