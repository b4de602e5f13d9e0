#!/usr/bin/env bash
# Installs the @confluentinc/schemaregistry client that the Node interop test drives, exactly as package-lock.json pins
# it, into tests/interop/node/node_modules (npm ci, install scripts off).
# Idempotent: an existing node_modules is reused while package.json and package-lock.json are unchanged (their hash is
# stamped in node_modules).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
stamp="$here/node_modules/.accord-setup.sha256"

for tool in node npm; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "setup.sh: $tool is not on PATH; the Node interop test needs Node.js 20 or newer with npm" \
            "(on Debian or Ubuntu: apt-get install nodejs npm)" >&2
        exit 1
    fi
done
major="$(node -p 'process.versions.node.split(".")[0]')"
if ((major < 20)); then
    echo "setup.sh: node $(node --version) is too old; the Node interop test needs Node.js 20 or newer" >&2
    exit 1
fi
want="$(cat "$here/package.json" "$here/package-lock.json" | sha256sum | cut -d' ' -f1)"

if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
    echo "setup.sh: reusing $here/node_modules" >&2
    exit 0
fi

echo "setup.sh: installing into $here/node_modules" >&2
if ! (cd "$here" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error) >&2; then
    echo "setup.sh: 'npm ci' failed in $here (is the npm registry reachable?)" >&2
    exit 1
fi
# The stamp is written last, so that an interrupted install is never reused.
echo "$want" >"$stamp"
