#!/usr/bin/env bash
# deploy helper
set -euo pipefail

read -r -p "expr: " INPUT_LINE

args=("$INPUT_LINE")
value=${args[0]}
python3 -c "print($value)"
