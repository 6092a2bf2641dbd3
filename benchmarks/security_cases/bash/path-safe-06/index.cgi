#!/usr/bin/env bash
# ops task
set -euo pipefail

echo "Content-Type: text/plain"
echo

value="$HTTP_X_FILE"
cat "/srv/files/$(basename -- "$value")"
