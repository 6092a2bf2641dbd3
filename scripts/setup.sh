#!/usr/bin/env bash
# DevLab set-up on a fresh Debian 12 machine (run as root, or with sudo available).
#
#   bash scripts/setup.sh serve   # install everything, then run `devlab serve` (embedded defaults)
#   bash scripts/setup.sh test    # install everything, start PostgreSQL, run the test suite
#
# Idempotent: a second run only checks what is already there.
set -euo pipefail
cd "$(dirname "$0")/.."
MODE="${1:-serve}"; shift || true

SUDO=""; AS_PG=(runuser -u postgres --)
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; AS_PG=(sudo -u postgres); fi
APT_PACKAGES=(git ca-certificates build-essential python3 python3-venv python3-dev
              bubblewrap graphviz postgresql postgresql-client
              # sandbox toolchains (devlab.sandbox); nodejs ships npm only where it is
              # not Debian's, so npm is added below when missing
              libseccomp2 sqlite3 nodejs golang-go openjdk-17-jdk-headless junit5
              # issue 14: the symbol benchmark's reference extractor and Java corpus
              universal-ctags openjdk-17-source
              # API Builder SDK proofs (issue 16): mypy + httpx/requests for the system
              # python3, OkHttp 3 + Jackson jars for javac; chromium for the page's tests
              # python3-jsonschema: the mock server checks request schemas in the sandbox too
              mypy python3-httpx python3-requests python3-jsonschema libokhttp-java
              libjackson2-databind-java
              # chaos scenarios (issue 15): the common Python web stacks for services
              # run in the sandbox (its python3 sees Debian's dist-packages)
              python3-flask python3-fastapi
              # the Testing Lab builds dependencies without wheels from their sdists
              # in the sandbox with Debian's pip, setuptools and wheel
              python3-pip python3-setuptools python3-wheel
              # Java coverage (issue 15): the JaCoCo agent and core under JUnit 5
              libjacoco-java
              # the web workbench's browser tests (Playwright drives Debian's chromium) too
              chromium)

install_system() {
  local missing=()
  for p in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    echo "setup: installing system packages: ${missing[*]}" >&2
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}

install_typescript() {
  # The sandbox compiles TypeScript with tsc (Node 20 has no type stripping):
  # the typescript and @types/node npm packages, installed globally under /usr.
  command -v npm >/dev/null || DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq npm >/dev/null
  if ! npm ls -g typescript >/dev/null 2>&1 || ! npm ls -g @types/node >/dev/null 2>&1; then
    echo "setup: installing typescript and @types/node (npm -g)" >&2
    $SUDO npm install -g -q "typescript@5" "@types/node@20" >/dev/null
  fi
  # the axios variant of generated TypeScript SDKs is type-checked against axios (issue 16)
  if ! npm ls -g axios >/dev/null 2>&1; then
    echo "setup: installing axios (npm -g) for TypeScript SDK proofs" >&2
    $SUDO npm install -g -q "axios@1" >/dev/null
  fi
  # jest for the Testing Lab (issue 15): projects whose tests run with jest, and generated
  # jest tests, use this copy (read-only in the sandbox) when they do not install their own;
  # fast-check for generated property tests (JS/TS)
  if ! npm ls -g jest >/dev/null 2>&1 || ! npm ls -g fast-check >/dev/null 2>&1; then
    echo "setup: installing jest and fast-check (npm -g) for the sandbox" >&2
    $SUDO npm install -g -q "jest@29" "fast-check@3" >/dev/null
  fi
}

build_web() {
  # The web workbench (issue 20): TypeScript + Vite, built from the committed lockfile
  # into src/devlab/server/static/dist, which `devlab serve` serves at /devlab/<page>.
  # Rebuilt only when a source is newer than the last build.
  local stamp=src/devlab/server/static/dist/index.html
  if [ ! -d web/node_modules ] || [ web/package-lock.json -nt web/node_modules ]; then
    echo "setup: installing the web workbench's packages (npm ci)" >&2
    (cd web && npm ci --no-audit --no-fund --loglevel=error)
  fi
  if [ ! -f "$stamp" ] || [ -n "$(find web/src web/index.html web/package-lock.json web/vite.config.ts -newer "$stamp" -print -quit)" ]; then
    echo "setup: building the web workbench (npm run build)" >&2
    (cd web && npm run build --silent >/dev/null)
  fi
}

install_python() {
  local py="${PYTHON:-python3.11}"
  command -v "$py" >/dev/null || py=python3
  if [ ! -x .venv/bin/python ]; then
    echo "setup: creating .venv with $py" >&2
    "$py" -m venv .venv
  fi
  # Issue 12: skipped while pyproject.toml and this script are older than the last install
  # (the package is editable: source changes need none); keeps the fast subset ~a minute.
  local stamp=.venv/.devlab-installed
  if [ -f "$stamp" ] && [ ! pyproject.toml -nt "$stamp" ] && [ ! scripts/setup.sh -nt "$stamp" ]; then
    return 0
  fi
  .venv/bin/python -m pip install -q --upgrade pip
  # The CPU build of torch first: an unpinned torch would pull a multi-GB CUDA build.
  .venv/bin/python -m pip install -q "torch==2.13.0"
  .venv/bin/python -m pip install -q -e ".[dev]"
  touch "$stamp"
}

start_postgres() {
  # Debian's PostgreSQL on loopback, with a throw-away database for the tests.
  if ! command -v pg_lsclusters >/dev/null; then echo "setup: no PostgreSQL; skipping" >&2; return 1; fi
  local cluster; cluster=$(pg_lsclusters -h | awk 'NR==1 {print $1" "$2}')
  if [ -z "$cluster" ]; then $SUDO pg_createcluster 15 main >/dev/null; cluster="15 main"; fi
  # shellcheck disable=SC2086
  $SUDO pg_ctlcluster $cluster start 2>/dev/null || true
  local port; port=$(pg_lsclusters -h | awk 'NR==1 {print $3}')
  for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p "$port" && break; sleep 1; done
  "${AS_PG[@]}" psql -q -p "$port" -tc "SELECT 1 FROM pg_roles WHERE rolname='devlab'" | grep -q 1 \
    || "${AS_PG[@]}" psql -q -p "$port" -c "CREATE ROLE devlab LOGIN PASSWORD 'devlab' CREATEDB"
  "${AS_PG[@]}" psql -q -p "$port" -c "DROP DATABASE IF EXISTS devlab_test" >/dev/null
  "${AS_PG[@]}" psql -q -p "$port" -c "CREATE DATABASE devlab_test OWNER devlab" >/dev/null
  export DEVLAB_TEST_POSTGRES_URL="postgresql+psycopg://devlab:devlab@127.0.0.1:${port}/devlab_test"
}

install_system
install_typescript
install_python
build_web

case "$MODE" in
  serve)
    # Issue 18: the static first tier's one-time model (a distillation, minutes under
    # load) is made beside the server, niced and in the background, so the server starts
    # at once and a first large index finds it ready; a no-op once it is cached.
    nice -n 10 .venv/bin/devlab warm >"${TMPDIR:-/tmp}/devlab-warm.log" 2>&1 &
    exec .venv/bin/devlab serve "$@"
    ;;
  test)
    start_postgres || echo "setup: PostgreSQL unavailable; PostgreSQL tests will be skipped" >&2
    .venv/bin/ruff check src tests
    .venv/bin/ruff format --check src tests
    .venv/bin/python -m mypy  # pyproject.toml [tool.mypy]: 0 errors over src/ (cached after a first run)
    exec .venv/bin/python -m pytest "$@"
    ;;
  install)
    echo "setup: installed; run .venv/bin/devlab --help" >&2
    ;;
  *)
    echo "usage: bash scripts/setup.sh [serve|test|install] [extra args]" >&2; exit 2
    ;;
esac
