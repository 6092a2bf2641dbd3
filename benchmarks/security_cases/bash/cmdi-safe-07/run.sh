#!/usr/bin/env bash
# deploy helper
set -euo pipefail

read -r -p "host: " INPUT_LINE

value="$INPUT_LINE"
nslookup -- "$value"
