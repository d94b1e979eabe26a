#!/usr/bin/env bash
# The whole suite in two passes (called by `make test`; extra arguments go to both pytests):
#   1. embedded defaults: SQLite + in-memory channel layer; everything but `services` tests.
#   2. the local PostgreSQL (+ Redis for the multi-worker tests): everything but the slow
#      `browser` tests, which pass 1 already ran; `services` tests run here.
# PostgreSQL or Redis not answering is a loud failure, never a skip: CI has both.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${PY:-.venv/bin/python}
TEST_POSTGRES_URL=${TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/test}
export TEST_REDIS_URL=${TEST_REDIS_URL:-redis://127.0.0.1:6379/15}

PASSED_TOTAL=0
run_pass() {
  local name=$1
  shift
  local started=$SECONDS rc=0 log
  log=$(mktemp)
  echo "=== test pass: $name ==="
  "$PY" -m pytest "$@" 2>&1 | tee "$log" || rc=$?
  if [ "$rc" -eq 5 ]; then
    echo "FAILED: pass '$name' collected no tests (pytest exit 5)." >&2
  fi
  if [ "$rc" -ne 0 ]; then
    echo "FAILED: pass '$name' (pytest exit $rc)." >&2
    exit "$rc"
  fi
  PASSED_TOTAL=$((PASSED_TOTAL + $(grep -oE '[0-9]+ passed' "$log" | tail -n 1 | grep -oE '[0-9]+' || echo 0)))
  rm -f "$log"
  echo "=== test pass: $name passed in $((SECONDS - started)) s ==="
}

# Pass 1. Explicit values win over a developer's .env (django-environ never overrides them).
DATABASE_URL="sqlite:///$PWD/var/db.sqlite3" REDIS_URL="" DATABASE_TEST_NAME="" \
  run_pass "SQLite, in-memory layer" -m "not services" "$@"

# Pass 2: check the servers first, so a missing one reads as such and not as 40 errors.
"$PY" - "$TEST_POSTGRES_URL" "$TEST_REDIS_URL" <<'EOF'
import sys

import psycopg
import redis

pg_url, redis_url = sys.argv[1:]
try:
    psycopg.connect(pg_url.replace("postgres://", "postgresql://", 1), connect_timeout=5).close()
except Exception as exc:
    sys.exit(f"FAILED: PostgreSQL at {pg_url} does not answer: {exc}\n"
             "The tests need it (CI runs it on 127.0.0.1:5432, trust auth, user postgres).")
try:
    redis.Redis.from_url(redis_url, socket_timeout=5).ping()
except Exception as exc:
    sys.exit(f"FAILED: Redis at {redis_url} does not answer: {exc}\n"
             "The multi-worker tests need it (CI runs it on 127.0.0.1:6379).")
EOF

# A test database of its own per run ($$: two runs on one server cannot collide). If a
# test leaves a connection open, pytest-django cannot drop it: drop it here, by force.
TEST_DB="test_botbuilder_$$"
drop_test_db() {
  "$PY" - "$TEST_POSTGRES_URL" "$TEST_DB" <<'PYTHON' || true
import sys

import psycopg

url, name = sys.argv[1:]
with psycopg.connect(url.replace("postgres://", "postgresql://", 1), autocommit=True) as c:
    c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
PYTHON
}
trap drop_test_db EXIT
DATABASE_URL="$TEST_POSTGRES_URL" REDIS_URL="" DATABASE_TEST_NAME="$TEST_DB" \
  run_pass "PostgreSQL (+ Redis for services tests)" -m "not browser" "$@"

echo "both passes: $PASSED_TOTAL passed, 0 failed"
