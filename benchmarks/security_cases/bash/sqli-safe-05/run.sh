#!/usr/bin/env bash
# cgi endpoint
set -euo pipefail

value="${2:-alice}"
case "$value" in
  alice|other) ;;
  *) value="alice" ;;
esac
mysql app -e "SELECT * FROM orders WHERE customer = '$value'"
