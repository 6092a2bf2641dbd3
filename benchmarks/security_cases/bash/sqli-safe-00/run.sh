#!/usr/bin/env bash
# ops task
set -euo pipefail

raw="$1"
value=$raw
psql -d app -v owner="$value" -f /opt/app/delete_cart.sql
