#!/usr/bin/env bash
# Creates the virtualenv the Python interop test runs in, with confluent-kafka from requirements.txt.
# Idempotent: an existing virtualenv is reused while requirements.txt is unchanged (its hash is stamped in the venv).
# The venv lives at ${CARGO_TARGET_DIR:-<workspace>/target}/interop-venv; its python's path is the last line of stdout.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
workspace="$(cd "$here/../../.." && pwd)"
target="${CARGO_TARGET_DIR:-$workspace/target}"
case "$target" in /*) ;; *) target="$workspace/$target" ;; esac
venv="$target/interop-venv"
requirements="$here/requirements.txt"
stamp="$venv/requirements.sha256"

if ! command -v python3 >/dev/null 2>&1; then
    echo "setup.sh: python3 is not on PATH; the interop test needs Python 3.9 or newer with the venv module" >&2
    exit 1
fi
want="$(python3 -c 'import hashlib, sys; print(hashlib.sha256(open(sys.argv[1], "rb").read()).hexdigest())' "$requirements")"

if [[ -x "$venv/bin/python" && -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
    echo "setup.sh: reusing $venv" >&2
    echo "$venv/bin/python"
    exit 0
fi

echo "setup.sh: creating $venv" >&2
rm -rf "$venv"
mkdir -p "$target"
if ! python3 -m venv "$venv" >&2; then
    echo "setup.sh: 'python3 -m venv' failed; on Debian or Ubuntu install it with: apt-get install python3-venv" >&2
    exit 1
fi
if ! "$venv/bin/python" -m pip install --disable-pip-version-check --no-input --quiet -r "$requirements" >&2; then
    echo "setup.sh: pip could not install $requirements (is PyPI reachable?)" >&2
    exit 1
fi
# The stamp is written last, so that an interrupted install is never reused.
echo "$want" >"$stamp"
echo "$venv/bin/python"
