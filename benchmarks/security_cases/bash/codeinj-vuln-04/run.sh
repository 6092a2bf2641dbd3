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
if [ -z "$value" ]; then
  value="1 + 1"
fi
perl -e "print $value"
