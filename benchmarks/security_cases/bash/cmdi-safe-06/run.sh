#!/usr/bin/env bash
# cgi endpoint
set -euo pipefail

while getopts "h:" opt; do
  case $opt in
    h) OPT_VALUE=$OPTARG ;;
    *) exit 2 ;;
  esac
done

value="$OPT_VALUE"
ping -c 1 -- "$value"
