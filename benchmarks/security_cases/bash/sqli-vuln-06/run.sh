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
sqlite3 /var/lib/app/app.db "SELECT id FROM users WHERE name = '$value';"
