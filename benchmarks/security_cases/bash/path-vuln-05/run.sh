#!/usr/bin/env bash
# report job
set -euo pipefail

value="$1"
tail -n 20 "/var/log/app/$value"
