#!/usr/bin/env bash
# cgi endpoint
set -euo pipefail

args=("$1")
value=${args[0]}
bash -c "dig +short $value | head -n 1"
