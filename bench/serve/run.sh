#!/usr/bin/env bash
# Load test of `sightline serve` (issue 8): 50 clients browsing the API and 5 uploading clips in
# chunks for 60 s against a server on loopback over a generated case; prints errors (must be 0)
# and the p95 latency of API reads (goal < 100 ms). Bounded: loopback only, fixed client counts,
# the duration given (at most 600 s).
#
# CATALOG "postgres" puts the case's catalogue in a throwaway PostgreSQL (tests/services/
# postgres.sh: Unix socket, fsync off) instead of the case's own SQLite case.db.
#
# usage: bench/serve/run.sh SIGHTLINE_BIN [DURATION_S=60] [READERS=50] [UPLOADERS=5]
#                           [CATALOG=sqlite|postgres]
set -euo pipefail
BIN=$(realpath "$1")
DURATION=${2:-60}
READERS=${3:-50}
UPLOADERS=${4:-5}
CATALOG=${5:-sqlite}
HERE=$(cd "$(dirname "$0")" && pwd)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/sightline-serve-bench.XXXXXX")
SERVER=
PG=
cleanup() {
  if [ -n "$SERVER" ]; then kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; fi
  if [ -n "$PG" ]; then "$HERE/../../tests/services/postgres.sh" stop "$PG" >/dev/null 2>&1 || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

# The load client: a small cpp-httplib program, built beside the binary when missing or stale.
LOAD=$(dirname "$BIN")/serve_load
if [ ! -x "$LOAD" ] || [ "$HERE/serve_load.cc" -nt "$LOAD" ]; then
  g++ -O2 -std=c++20 -Wall -Wextra -o "$LOAD" "$HERE/serve_load.cc" \
    $(pkg-config --cflags --libs cpp-httplib) -pthread
fi

export SIGHTLINE_KEY_DIR="$WORK/keys" SIGHTLINE_ACTOR=bench@serve
mkdir -p "$WORK/in"
for i in 1 2 3 4 5 6 7 8; do
  ffmpeg -nostdin -loglevel error -f lavfi -i "testsrc2=size=640x360:rate=25" \
    -f lavfi -i "sine=frequency=$((200 + 50 * i))" -t 4 -pix_fmt yuv420p -shortest \
    -metadata title="clip $i" "$WORK/in/clip$i.mp4"
done
ffmpeg -nostdin -loglevel error -f lavfi -i "testsrc2=size=1280x720:rate=30" -t 6 \
  -pix_fmt yuv420p "$WORK/upload.mp4"
DB=()
if [ "$CATALOG" = postgres ]; then
  PG=$WORK/pg
  chmod 755 "$WORK"  # the server runs as the postgres user when we are root
  base=$("$HERE/../../tests/services/postgres.sh" start "$PG")
  psql -q "$base" -c "CREATE DATABASE serve_bench"
  DB=(--db "${base/\/postgres\?//serve_bench?}")
fi
"$BIN" ingest --case "$WORK/case" "${DB[@]}" "$WORK/in" >/dev/null
echo bench-viewer-password | "$BIN" user add --case "$WORK/case" --role viewer viewer >/dev/null
for i in $(seq 0 $((UPLOADERS - 1))); do
  echo bench-editor-password | "$BIN" user add --case "$WORK/case" --role editor "editor$i" >/dev/null
done

"$BIN" serve --case "$WORK/case" --listen 127.0.0.1:0 >"$WORK/serve.out" 2>"$WORK/serve.err" &
SERVER=$!
PORT=
for _ in $(seq 1 100); do
  PORT=$(sed -n 's|^listening http://127\.0\.0\.1:\([0-9]*\)/$|\1|p' "$WORK/serve.out")
  [ -n "$PORT" ] && break
  sleep 0.1
done
if [ -z "$PORT" ]; then
  echo "serve did not start:" >&2
  cat "$WORK/serve.err" >&2
  exit 1
fi
"$LOAD" --port "$PORT" --viewer viewer:bench-viewer-password --editor editor:bench-editor-password \
  --upload "$WORK/upload.mp4" --items 8 --duration "$DURATION" --readers "$READERS" \
  --uploaders "$UPLOADERS"
