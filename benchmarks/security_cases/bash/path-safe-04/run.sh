#!/usr/bin/env bash
# cgi endpoint
set -euo pipefail

value="${2:-report.txt}"
case "$value" in
  report.txt|other) ;;
  *) value="report.txt" ;;
esac
tail -n 20 "/var/log/app/$value"
