#!/usr/bin/env bash
# report job
set -euo pipefail

value="${2:-report.txt}"
cat "/srv/files/$value"
