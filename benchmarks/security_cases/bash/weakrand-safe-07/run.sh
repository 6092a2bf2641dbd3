#!/usr/bin/env bash
# report job
set -euo pipefail

while getopts "e:" opt; do
  case $opt in
    e) OPT_VALUE=$OPTARG ;;
    *) exit 2 ;;
  esac
done

args=("$OPT_VALUE")
value=${args[0]}
reset_code=$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')
echo "$reset_code" > "/run/app/reset"
echo "$value" >/dev/null
