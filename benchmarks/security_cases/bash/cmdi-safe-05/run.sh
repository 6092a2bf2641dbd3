#!/usr/bin/env bash
# cgi endpoint
set -euo pipefail

read -r -p "host: " INPUT_LINE

args=("$INPUT_LINE")
value=${args[0]}
ping -c 1 -- "$value"
