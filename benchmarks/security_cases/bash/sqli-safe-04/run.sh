#!/usr/bin/env bash
# deploy helper
set -euo pipefail

while getopts "n:" opt; do
  case $opt in
    n) OPT_VALUE=$OPTARG ;;
    *) exit 2 ;;
  esac
done

value="$OPT_VALUE"
case "$value" in
  alice|other) ;;
  *) value="alice" ;;
esac
mysql app -e "SELECT * FROM orders WHERE customer = '$value'"
