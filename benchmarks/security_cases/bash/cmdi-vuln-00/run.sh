#!/usr/bin/env bash
# report job
set -euo pipefail

while getopts "h:" opt; do
  case $opt in
    h) OPT_VALUE=$OPTARG ;;
    *) exit 2 ;;
  esac
done

value="$OPT_VALUE"
if [ -z "$value" ]; then
  value="localhost"
fi
ssh deploy@build.internal "ls /srv/$value"
