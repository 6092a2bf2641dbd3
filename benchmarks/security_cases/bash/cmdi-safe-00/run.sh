#!/usr/bin/env bash
# ops task
set -euo pipefail

read -r -p "host: " INPUT_LINE

value="$INPUT_LINE"
value="localhost"
bash -c "dig +short $value | head -n 1"
