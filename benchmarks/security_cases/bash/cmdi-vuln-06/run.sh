#!/usr/bin/env bash
# cgi endpoint
set -euo pipefail

read -r -p "host: " INPUT_LINE

value="$INPUT_LINE"
value=${value,,}
ssh deploy@build.internal "ls /srv/$value"
