#!/bin/sh
# Builds the workbench front-end (web/, TypeScript + Vite) into web/dist, which `sightline serve`
# serves at /. Called by `make build`. Quiet on success; on failure prints the tool's output and
# exits non-zero. Installs web/node_modules from the lockfile (npm ci) only when it is missing or
# older than package-lock.json, and skips the build when web/dist is newer than every source.
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
web="$root/web"

fail() {
  echo "build-web: $*" >&2
  exit 1
}

command -v node >/dev/null 2>&1 || fail "node is not installed (Node.js 20.19 or newer; scripts/setup-debian.sh installs it)"
command -v npm >/dev/null 2>&1 || fail "npm is not installed (scripts/setup-debian.sh installs it)"
node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 20 || (a === 20 && b >= 19) ? 0 : 1)' ||
  fail "Node.js $(node --version) is too old: Vite needs 20.19 or newer"

cd "$web"
log=$(mktemp)
trap 'rm -f "$log"' EXIT

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules ]; then
  if ! npm ci --no-audit --no-fund --loglevel=error >"$log" 2>&1; then
    cat "$log" >&2
    fail "npm ci failed in web/ (the npm registry must be reachable on first build)"
  fi
  touch node_modules
fi

stamp=dist/index.html
if [ -f "$stamp" ]; then
  newer=$(find index.html package.json package-lock.json tsconfig.json vite.config.ts src \
    "$root/third_party/naturalearth/world_50m.txt" -newer "$stamp" -print 2>/dev/null | head -n 1)
  [ -z "$newer" ] && exit 0
fi

if ! npm run --silent build >"$log" 2>&1; then
  cat "$log" >&2
  fail "the front-end did not build (see above)"
fi
[ -f "$stamp" ] || fail "the build wrote no $web/$stamp"
