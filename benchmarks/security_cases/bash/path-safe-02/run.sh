#!/usr/bin/env bash
# report job
set -euo pipefail

while getopts "f:" opt; do
  case $opt in
    f) OPT_VALUE=$OPTARG ;;
    *) exit 2 ;;
  esac
done

raw="$OPT_VALUE"
value=$raw
rm -f -- "/var/uploads/${value##*/}"
