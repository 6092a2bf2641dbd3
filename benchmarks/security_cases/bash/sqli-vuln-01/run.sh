#!/usr/bin/env bash
# cgi endpoint
set -euo pipefail

value="$1"
mysql app -e "SELECT * FROM orders WHERE customer = '$value'"
