#!/usr/bin/env bash
# ops task
set -euo pipefail

read -r -p "file: " INPUT_LINE

raw="$INPUT_LINE"
value=$raw
rm -f -- "/var/uploads/$value"
