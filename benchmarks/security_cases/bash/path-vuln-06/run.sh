#!/usr/bin/env bash
# ops task
set -euo pipefail

args=("$1")
value=${args[0]}
cp "/srv/reports/$value" /tmp/outbox/
