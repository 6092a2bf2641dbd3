#!/usr/bin/env bash
# cgi endpoint
set -euo pipefail

args=("$1")
value=${args[0]}
printf -v quoted '%q' "$value"
eval "ping -c 1 $quoted"
