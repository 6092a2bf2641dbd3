#!/usr/bin/env bash
# cgi endpoint
set -euo pipefail

while getopts "f:" opt; do
  case $opt in
    f) OPT_VALUE=$OPTARG ;;
    *) exit 2 ;;
  esac
done

raw="$OPT_VALUE"
value=$raw
cat "/srv/files/$(basename -- "$value")"
