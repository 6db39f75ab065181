#!/usr/bin/env bash
# The benchmark suite on one engine: a fresh database, the generated world, the runner.
#
#   bench/run.sh sqlite|postgresql SCALE [RUNNER OPTIONS...]
#
# SQLite gets a fresh data directory under var/bench/; PostgreSQL a throwaway cluster
# (scripts/with-postgres.sh). The master key and the audit signing key are made in a
# temporary directory outside the data directory and removed at the end. The world is
# generated with seed 1 up to a fixed day (BENCH_UNTIL), so every run reads the same rows.
# Results go to bench/results/ (see docs/benchmarks.md). `make bench` calls this.
#
# BENCH_KEEP=1 keeps the world for the next run instead: the database (for PostgreSQL a
# cluster under /var/tmp) and its keys stay, and a later run with BENCH_KEEP=1 measures
# the same world again without generating it, as long as the scale, the day and the
# generator's code are the same (world.txt says which world it is).
set -euo pipefail

if [ $# -lt 2 ]; then
    echo "usage: $0 sqlite|postgresql SCALE [RUNNER OPTIONS...]" >&2
    exit 2
fi
ENGINE=$1
SCALE=$2
shift 2
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=$ROOT/.venv/bin
UNTIL=${BENCH_UNTIL:-2026-06-30}

KEEP=${BENCH_KEEP:-}
if [ "$ENGINE" = postgresql ] && [ -z "${DATABASE_URL:-}" ]; then
    if [ -n "$KEEP" ]; then
        export POURPARLER_PG_DIR=/var/tmp/pourparler-bench-pg-$SCALE
    fi
    exec "$ROOT/scripts/with-postgres.sh" "$0" "$ENGINE" "$SCALE" "$@"
fi
case "$ENGINE" in
    sqlite) unset DATABASE_URL ;;
    postgresql) ;;
    *) echo "error: unknown engine $ENGINE (sqlite or postgresql)" >&2; exit 2 ;;
esac

DATA=$ROOT/var/bench/$ENGINE-$SCALE
# Which world: the scale, the day, and a digest of the generator's code.
WORLD="scale=$SCALE seed=1 until=$UNTIL generator=$(cat "$ROOT"/pourparler/generate/*.py | sha256sum | cut -c1-16)"
REUSE=0
if [ -n "$KEEP" ]; then
    KEYS=$DATA.keys
    if [ -f "$DATA/world.txt" ] && [ "$(cat "$DATA/world.txt")" = "$WORLD" ] \
        && [ -f "$KEYS/master.key" ]; then
        REUSE=1
    fi
else
    KEYS=$(mktemp -d /tmp/pourparler-bench-keys.XXXXXXXX)
    trap 'rm -rf "$KEYS"' EXIT
fi
if [ "$REUSE" -eq 0 ]; then
    rm -rf "$DATA"
    mkdir -p "$DATA"
    if [ -n "$KEEP" ]; then
        rm -rf "$KEYS"
        mkdir -m 700 -p "$KEYS"
    fi
fi

export POURPARLER_DATA_DIR=$DATA
export POURPARLER_SECRET_KEY
POURPARLER_SECRET_KEY=$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))')
export POURPARLER_REQUIRE_SECOND_FACTOR=0
export POURPARLER_LOG_LEVEL=${POURPARLER_LOG_LEVEL:-WARNING}
unset POURPARLER_TESTING POURPARLER_DEMO POURPARLER_DEBUG POURPARLER_MASTER_KEY

if [ "$REUSE" -eq 0 ]; then
    "$BIN/pourparler" keys init --out "$KEYS/master.key" >/dev/null
    "$BIN/pourparler" audit init-key --out "$KEYS/audit.key" >/dev/null
fi
export POURPARLER_MASTER_KEY_FILE=$KEYS/master.key
export POURPARLER_AUDIT_SIGNING_KEY_FILE=$KEYS/audit.key

echo "== $ENGINE, $SCALE: migrate, collectstatic" >&2
"$BIN/pourparler" migrate --noinput >/dev/null
"$BIN/pourparler" collectstatic --noinput >/dev/null
if [ "$REUSE" -eq 1 ]; then
    echo "== $ENGINE, $SCALE: the kept world ($WORLD)" >&2
else
    echo "== $ENGINE, $SCALE: generate (seed 1, up to $UNTIL)" >&2
    "$BIN/pourparler" generate --scale "$SCALE" --seed 1 --until "$UNTIL" --yes --no-progress
    echo "== $ENGINE, $SCALE: search rebuild" >&2
    "$BIN/pourparler" search rebuild
    if [ -n "$KEEP" ]; then
        echo "$WORLD" >"$DATA/world.txt"
    fi
fi
if [ -n "${BENCH_PREPARE_ONLY:-}" ]; then
    # Only make the world (with BENCH_KEEP=1, to measure it later).
    exit 0
fi
echo "== $ENGINE, $SCALE: benchmarks" >&2
"$BIN/python" -m pourparler.bench --engine "$ENGINE" --scale "$SCALE" \
    --out "$ROOT/bench/results" "$@"
