#!/bin/sh
# A throwaway S3 endpoint for the service tests: s3rver (npm, pinned in s3/package-lock.json) behind
# s3/server.js, which adds SigV4 checking and the multipart listings s3rver lacks. Objects live in
# DIR/data; the server listens on 127.0.0.1:PORT only. It accepts the key pair S3RVER / S3RVER
# (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY), and has one empty bucket, "sightline-test".
#   s3.sh start DIR PORT   installs s3rver on first use (npm ci), starts the server, and prints the
#                          store URL on stdout; exits non-zero with the server's log on stderr
#   s3.sh stop DIR
set -eu
here=$(cd "$(dirname "$0")" && pwd)
bucket=sightline-test
cmd=${1:-}
dir=${2:-}
if [ -z "$cmd" ] || [ -z "$dir" ]; then
  echo "usage: s3.sh start DIR PORT | s3.sh stop DIR" >&2
  exit 2
fi

stop_server() {
  if [ -f "$dir/pid" ]; then
    pid=$(cat "$dir/pid")
    if kill "$pid" 2>/dev/null; then
      i=0
      while kill -0 "$pid" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
      kill -9 "$pid" 2>/dev/null || true
    fi
    rm -f "$dir/pid"
  fi
}

case "$cmd" in
  start)
    port=${3:?usage: s3.sh start DIR PORT}
    if ! command -v node >/dev/null 2>&1; then
      echo "s3.sh: node not found; install Debian's nodejs and npm (scripts/setup-debian.sh)" >&2
      exit 1
    fi
    mkdir -p "$dir"
    # First use: install the pinned s3rver. Under a lock, as two build directories may start
    # their fixtures at once and npm ci first removes node_modules.
    (
      flock 9
      if [ ! -f "$here/s3/node_modules/s3rver/package.json" ]; then
        cd "$here/s3" && npm ci --no-audit --no-fund --loglevel=error
      fi
    ) 9>/tmp/sightline-s3-npm.lock >"$dir/npm.log" 2>&1 || {
      cat "$dir/npm.log" >&2
      echo "s3.sh: 'npm ci' in tests/services/s3 failed (see above)" >&2
      exit 1
    }
    stop_server
    rm -rf "$dir/data"
    mkdir -p "$dir/data"
    nohup node "$here/s3/server.js" "$dir/data" "$port" "$bucket" </dev/null >"$dir/server.log" 2>&1 &
    echo $! >"$dir/pid"
    i=0
    until grep -q "listening on" "$dir/server.log" 2>/dev/null; do
      if ! kill -0 "$(cat "$dir/pid")" 2>/dev/null || [ $i -ge 300 ]; then
        cat "$dir/server.log" >&2
        echo "s3.sh: the S3 test endpoint did not start on 127.0.0.1:$port (log above)" >&2
        stop_server
        exit 1
      fi
      sleep 0.1
      i=$((i + 1))
    done
    echo "s3://$bucket?endpoint=http://127.0.0.1:$port&region=us-east-1"
    ;;
  stop)
    stop_server
    ;;
  *)
    echo "usage: s3.sh start DIR PORT | s3.sh stop DIR" >&2
    exit 2
    ;;
esac
