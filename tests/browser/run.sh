#!/bin/bash
# The workbench's browser flow (issue 8): a real Chromium (Debian's package, driven by
# playwright-core from web/node_modules; no browser is downloaded) against `sightline serve` on a
# loopback port. Makes a case with two generated clips, one a re-encode of the other, so that
# `analyze` suggests a same_footage finding; adds an editor; starts the server; then flow.cjs logs
# in, uploads a third clip by drag and drop, pauses, resumes and aborts chunked uploads, sees the
# clip's keyframes in the gallery, steps its frames in the player, accepts the finding, plays the
# compare view in sync, opens the map and exports the report, with a screenshot of each step
# checked to be non-blank (distinct colours), and fails on any request to a host other than the
# server (such requests are also blocked). About 20 s.
#
#   tests/browser/run.sh SIGHTLINE_BIN WEB_DIST
#
# Exit 0 when the flow passes, 1 when it fails (the message says at which step), 2 on a usage or
# set-up problem. SIGHTLINE_BROWSER_SHOTS=DIR keeps the screenshots in DIR. The server and the
# temporary directory are removed on every exit path.
set -euo pipefail

usage() {
  echo "usage: tests/browser/run.sh SIGHTLINE_BIN WEB_DIST" >&2
  exit 2
}
[ $# -eq 2 ] || usage
bin=$(readlink -f "$1")
dist=$(readlink -f "$2")
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)

fail() {
  echo "workbench_browser_flow: FAIL: $*" >&2
  exit 1
}
need() {
  command -v "$1" >/dev/null 2>&1 || { echo "workbench_browser_flow: $1 is not installed ($2)" >&2; exit 2; }
}
need ffmpeg "Debian package ffmpeg"
need node "Debian package nodejs; scripts/setup-debian.sh installs it"
chromium=${CHROMIUM:-/usr/bin/chromium}
[ -x "$chromium" ] || { echo "workbench_browser_flow: $chromium is missing (Debian package chromium)" >&2; exit 2; }
[ -x "$bin" ] || { echo "workbench_browser_flow: $bin is not an executable" >&2; exit 2; }

# The front-end: build it when it is this tree's (fast when nothing changed).
if [ "$dist" = "$root/web/dist" ]; then
  "$root/scripts/build-web.sh" || fail "the front-end did not build"
fi
[ -f "$dist/index.html" ] || { echo "workbench_browser_flow: no $dist/index.html: run scripts/build-web.sh" >&2; exit 2; }
playwright="$root/web/node_modules/playwright-core"
[ -d "$playwright" ] || { echo "workbench_browser_flow: $playwright is missing: run scripts/build-web.sh" >&2; exit 2; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/sightline-browser.XXXXXX")
server_pid=""
flow_pid=""
cleanup() {
  if [ -n "$flow_pid" ]; then
    # node closes its Chromium when it ends on SIGTERM (Playwright's own handler).
    kill "$flow_pid" 2>/dev/null || true
    wait "$flow_pid" 2>/dev/null || true
  fi
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

export SIGHTLINE_KEY_DIR="$tmp/keys" SIGHTLINE_ACTOR="browser-test@sightline"
start=$(date +%s.%N)
log="$tmp/setup.log"
step() {
  # Runs a set-up command; on failure shows its output.
  if ! "$@" >>"$log" 2>&1; then
    cat "$log" >&2
    fail "set-up step failed: $*"
  fi
}

# Clips: a (testsrc with a tone), b re-encoded and scaled from a (same footage), and c, another
# scene, uploaded through the page.
mkdir -p "$tmp/in"
step ffmpeg -nostdin -loglevel error -f lavfi -i testsrc=size=320x240:rate=25:duration=4 \
  -f lavfi -i sine=frequency=440:duration=4 -shortest -c:v libx264 -pix_fmt yuv420p -c:a aac "$tmp/in/a.mp4"
step ffmpeg -nostdin -loglevel error -i "$tmp/in/a.mp4" -vf scale=240:180 -c:v libx264 -crf 32 \
  -pix_fmt yuv420p -c:a aac "$tmp/in/b.mp4"
step ffmpeg -nostdin -loglevel error -f lavfi -i smptebars=size=320x240:rate=25:duration=3 \
  -f lavfi -i testsrc2=size=320x240:rate=25:duration=3 -filter_complex "[0][1]vstack,scale=320:240" \
  -f lavfi -i sine=frequency=880:duration=3 -shortest -c:v libx264 -pix_fmt yuv420p -c:a aac "$tmp/upload.mp4"

step "$bin" ingest --case "$tmp/case" --source "browser test" "$tmp/in/a.mp4" "$tmp/in/b.mp4"
step "$bin" analyze --case "$tmp/case" --skip text --skip place
printf 'correct horse battery\n' >"$tmp/password"
step "$bin" user add --case "$tmp/case" --role editor --password-file "$tmp/password" desk

"$bin" serve --case "$tmp/case" --listen 127.0.0.1:0 --web "$dist" >"$tmp/serve.out" 2>"$tmp/serve.err" &
server_pid=$!
url=""
for _ in $(seq 200); do
  url=$(sed -n 's/^listening \(http:\/\/127\.0\.0\.1:[0-9]*\/\).*/\1/p' "$tmp/serve.out" | head -n 1)
  [ -n "$url" ] && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$tmp/serve.err" >&2; server_pid=""; fail "sightline serve exited before listening"; }
  sleep 0.1
done
[ -n "$url" ] || { cat "$tmp/serve.err" >&2; fail "sightline serve printed no 'listening http://127.0.0.1:PORT/' line in 20 s"; }

shots="${SIGHTLINE_BROWSER_SHOTS:-$tmp/shots}"
mkdir -p "$shots"
# In the background and waited for, so that a signal reaches the trap at once.
SIGHTLINE_URL="$url" SIGHTLINE_USER=desk SIGHTLINE_PASSWORD="$(cat "$tmp/password")" \
  SIGHTLINE_UPLOAD="$tmp/upload.mp4" SIGHTLINE_SHOTS="$shots" CHROMIUM="$chromium" \
  PLAYWRIGHT_CORE="$playwright" node "$here/flow.cjs" &
flow_pid=$!
if ! wait "$flow_pid"; then
  flow_pid=""
  echo "--- serve's stderr (last 30 lines):" >&2
  tail -n 30 "$tmp/serve.err" >&2
  fail "the browser flow failed (above)"
fi
flow_pid=""
kill -0 "$server_pid" 2>/dev/null || fail "sightline serve died during the flow"
elapsed=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
echo "workbench_browser_flow: PASS in ${elapsed} s"
