#!/bin/sh
# CTest fixture cleanup: stops what start.sh started. Never fails the run over a server that was
# already gone.
here=$(cd "$(dirname "$0")" && pwd)
dir=$1
"$here/postgres.sh" stop "$dir/pg" || true
if [ -x "$here/s3.sh" ]; then "$here/s3.sh" stop "$dir/s3" || true; fi
exit 0
