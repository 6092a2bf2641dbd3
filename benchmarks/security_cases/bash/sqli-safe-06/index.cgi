#!/usr/bin/env bash
# ops task
set -euo pipefail

echo "Content-Type: text/plain"
echo

value="$HTTP_X_NAME"
value="alice"
psql -d app -c "DELETE FROM carts WHERE owner = '$value'"
