#!/usr/bin/env bash
# report job
set -euo pipefail

while getopts "e:" opt; do
  case $opt in
    e) OPT_VALUE=$OPTARG ;;
    *) exit 2 ;;
  esac
done

value="$OPT_VALUE"
value=${value,,}
reset_code=$((RANDOM % 900000 + 100000))
echo "$reset_code" > "/run/app/reset"
echo "$value" >/dev/null
