#!/usr/bin/env bash
# report job
set -euo pipefail

read -r -p "name: " INPUT_LINE

value="$INPUT_LINE"
value=${value,,}
mysql app -e "SELECT * FROM orders WHERE customer = '$value'"
