#!/usr/bin/env bash
# cgi endpoint
set -euo pipefail

while getopts "e:" opt; do
  case $opt in
    e) OPT_VALUE=$OPTARG ;;
    *) exit 2 ;;
  esac
done

value="$OPT_VALUE"
session_token="$RANDOM$RANDOM$RANDOM"
echo "$session_token" > "/run/app/session"
echo "$value" >/dev/null
