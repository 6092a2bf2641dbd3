#!/usr/bin/env bash
# deploy helper
set -euo pipefail

while getopts "n:" opt; do
  case $opt in
    n) OPT_VALUE=$OPTARG ;;
    *) exit 2 ;;
  esac
done

args=("$OPT_VALUE")
value=${args[0]}
psql -d app -c "DELETE FROM carts WHERE owner = '$value'"
