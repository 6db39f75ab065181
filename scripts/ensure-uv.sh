#!/usr/bin/env bash
# Print the path of a working `uv`, installing it with pip first if there is none.
# Used by `make bootstrap`; everything but the final path goes to stderr.
set -euo pipefail

python=${PYTHON:-python3}
export PIP_DISABLE_PIP_VERSION_CHECK=1

find_uv() {
    local candidate user_base
    if candidate=$(command -v uv 2>/dev/null) && "$candidate" --version >/dev/null 2>&1; then
        echo "$candidate"
        return 0
    fi
    # The `uv` wheel knows where it put its binary.
    if candidate=$("$python" -c 'import uv; print(uv.find_uv_bin())' 2>/dev/null) \
        && [ -x "$candidate" ]; then
        echo "$candidate"
        return 0
    fi
    user_base=$("$python" -m site --user-base 2>/dev/null || true)
    for candidate in "${user_base:+$user_base/bin/uv}" "$HOME/.local/bin/uv"; do
        if [ -n "$candidate" ] && [ -x "$candidate" ]; then
            echo "$candidate"
            return 0
        fi
    done
    return 1
}

if find_uv; then
    exit 0
fi

if ! command -v "$python" >/dev/null 2>&1; then
    echo "error: $python not found; install Python 3.11 or newer (Debian: apt-get install python3 python3-pip)." >&2
    exit 1
fi

echo "uv not found; installing it with pip (python: $("$python" --version 2>&1))" >&2
# --user fails inside a virtualenv and on an "externally managed" Debian Python;
# try the plain install, then the override, before giving up.
"$python" -m pip install --user --quiet uv >&2 \
    || "$python" -m pip install --quiet uv >&2 \
    || "$python" -m pip install --user --break-system-packages --quiet uv >&2 \
    || {
        echo "error: could not install uv with pip; install it by hand (pip install uv) and retry." >&2
        exit 1
    }

if ! find_uv; then
    echo "error: pip installed uv but its binary was not found; add it to PATH and retry." >&2
    exit 1
fi
