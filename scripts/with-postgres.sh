#!/usr/bin/env bash
# Run a command against a throwaway PostgreSQL cluster, then stop and delete it.
#
#   scripts/with-postgres.sh CMD [ARGS...]
#
# The cluster lives in a fresh directory under /tmp, listens on 127.0.0.1 on a free
# port (and on a socket inside its own directory), trusts local connections, and has
# one database, `pourparler`, owned by the superuser `postgres`. The command sees
# DATABASE_URL=postgres://postgres@127.0.0.1:PORT/pourparler. Whatever happens, the
# server is stopped and the directory removed on exit; the command's exit status is kept.
# As root the server runs as the `postgres` user (initdb and postgres refuse root).
#
# With POURPARLER_PG_DIR=DIR the cluster lives in DIR instead and is kept: made there
# the first time, started again on later runs, stopped (never removed) on exit. The
# benchmarks use it to measure a generated world more than once (docs/benchmarks.md).
set -euo pipefail

if [ $# -eq 0 ]; then
    echo "usage: $0 CMD [ARGS...]" >&2
    exit 2
fi

# The bin directory of the newest PostgreSQL (15 or later) on PATH or under
# /usr/lib/postgresql/*/bin (where Debian keeps the server binaries off PATH).
find_bindir() {
    local best="" best_major=0 dir major candidates=()
    if command -v initdb >/dev/null 2>&1; then
        candidates+=("$(dirname "$(readlink -f "$(command -v initdb)")")")
    fi
    for dir in /usr/lib/postgresql/*/bin; do
        [ -x "$dir/initdb" ] && candidates+=("$dir")
    done
    for dir in "${candidates[@]}"; do
        [ -x "$dir/pg_ctl" ] || continue
        major=$("$dir/initdb" --version | sed -E 's/.* ([0-9]+)(\.[0-9]+)*.*/\1/')
        if [[ $major =~ ^[0-9]+$ ]] && [ "$major" -gt "$best_major" ]; then
            best=$dir
            best_major=$major
        fi
    done
    if [ -z "$best" ] || [ "$best_major" -lt 15 ]; then
        echo "error: PostgreSQL 15 or later server binaries (initdb, pg_ctl) not found on PATH" \
            "or under /usr/lib/postgresql/*/bin. Run 'make system-deps' as root, or:" \
            "apt-get install -y postgresql" >&2
        return 1
    fi
    echo "$best"
}

BIN=$(find_bindir)

if [ "$(id -u)" -eq 0 ]; then
    if ! id postgres >/dev/null 2>&1; then
        echo "error: running as root but there is no 'postgres' user to run the server as." >&2
        exit 1
    fi
    # Run from / so the postgres user is not left in a directory it cannot read.
    as_pg() { (cd / && runuser -u postgres -- "$@"); }
else
    as_pg() { "$@"; }
fi

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# Explicitly under /tmp: the postgres user must be able to traverse every parent.
KEEP=0
if [ -n "${POURPARLER_PG_DIR:-}" ]; then
    KEEP=1
    DIR=$POURPARLER_PG_DIR
    mkdir -p "$DIR"
else
    DIR=$(mktemp -d /tmp/pourparler-pg.XXXXXXXX)
fi
chmod 755 "$DIR"
DATA=$DIR/data
LOG=$DIR/server.log
started=0

cleanup() {
    local status=$?
    trap - EXIT INT TERM
    if [ "$started" -eq 1 ]; then
        if ! as_pg "$BIN/pg_ctl" -D "$DATA" -m fast -w -t 30 stop >/dev/null 2>&1; then
            echo "warning: fast stop failed; stopping PostgreSQL immediately" >&2
            as_pg "$BIN/pg_ctl" -D "$DATA" -m immediate -w -t 30 stop >/dev/null 2>&1 || true
        fi
    fi
    if [ "$KEEP" -eq 0 ]; then
        rm -rf "$DIR"
    fi
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [ "$(id -u)" -eq 0 ]; then
    chown postgres: "$DIR"
fi

# UTF-8 whatever the caller's locale; the C collation sorts like SQLite's default.
fresh=1
if [ "$KEEP" -eq 1 ] && [ -f "$DATA/PG_VERSION" ]; then
    fresh=0
elif ! as_pg "$BIN/initdb" -D "$DATA" -A trust -U postgres -E UTF8 --no-locale \
    >"$DIR/initdb.log" 2>&1; then
    cat "$DIR/initdb.log" >&2
    echo "error: initdb failed" >&2
    exit 1
fi

PORT=$(free_port)
# A test cluster: durability is worth nothing here, speed is.
OPTS="-p $PORT -c listen_addresses=127.0.0.1 -k $DIR -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
started=1
if ! as_pg "$BIN/pg_ctl" -D "$DATA" -l "$LOG" -o "$OPTS" -w -t 60 start >/dev/null; then
    cat "$LOG" >&2 || true
    echo "error: PostgreSQL did not start" >&2
    exit 1
fi

if [ "$fresh" -eq 1 ]; then
    "$BIN/createdb" -h 127.0.0.1 -p "$PORT" -U postgres pourparler
fi

export DATABASE_URL="postgres://postgres@127.0.0.1:$PORT/pourparler"
# pg_dump and pg_restore of the same version as the server (pourparler backup / restore).
export POURPARLER_PG_BINDIR="$BIN"
echo "PostgreSQL $("$BIN/pg_ctl" --version | sed -E "s/^[^0-9]*([0-9.]+).*/\1/") on 127.0.0.1:$PORT (data in $DATA)" >&2

"$@"
