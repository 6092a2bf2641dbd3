#!/usr/bin/env bash
# deploy helper
set -euo pipefail

echo "Content-Type: text/plain"
echo

value="$HTTP_X_FILE"
value="report.txt"
cp "/srv/reports/$value" /tmp/outbox/
