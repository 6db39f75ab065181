#!/usr/bin/env bash
# Make sure the Debian packages the tests need are installed.
#
#   scripts/system-deps.sh [chromium] [postgresql]    (default: both)
#
# chromium: Debian's /usr/bin/chromium, driven by Playwright in the browser tests
#   (never a browser downloaded by Playwright).
# postgresql: the PostgreSQL server binaries (initdb, pg_ctl) for scripts/with-postgres.sh.
# poppler-utils (pdftoppm, to look at generated PDFs) is added when something else is
# being installed anyway; it is not required.
#
# As root, installs what is missing with apt-get; otherwise says what to install and fails.
set -euo pipefail

wanted=("$@")
[ ${#wanted[@]} -gt 0 ] || wanted=(chromium postgresql)

has_postgres_server() {
    command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1 && return 0
    local dir
    for dir in /usr/lib/postgresql/*/bin; do
        [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ] && return 0
    done
    return 1
}

missing=()
for package in "${wanted[@]}"; do
    case $package in
        chromium) [ -x /usr/bin/chromium ] || missing+=(chromium) ;;
        postgresql) has_postgres_server || missing+=(postgresql) ;;
        *)
            echo "error: unknown system dependency '$package' (known: chromium postgresql)" >&2
            exit 2
            ;;
    esac
done

if [ ${#missing[@]} -eq 0 ]; then
    echo "system-deps: ${wanted[*]} present"
    exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
    echo "error: missing system packages: ${missing[*]}" >&2
    echo "Install them as root, then retry:" >&2
    echo "    apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y ${missing[*]}" >&2
    exit 1
fi

command -v pdftoppm >/dev/null 2>&1 || missing+=(poppler-utils)
echo "system-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q </dev/null
apt-get install -y -q "${missing[@]}" </dev/null
