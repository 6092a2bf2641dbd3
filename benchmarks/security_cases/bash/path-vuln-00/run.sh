#!/usr/bin/env bash
# cgi endpoint
set -euo pipefail

while getopts "f:" opt; do
  case $opt in
    f) OPT_VALUE=$OPTARG ;;
    *) exit 2 ;;
  esac
done

value="$OPT_VALUE"
value=${value,,}
tail -n 20 "/var/log/app/$value"
