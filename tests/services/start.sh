#!/bin/sh
# CTest fixture "services": starts the servers the *_service_test.cc tests need, in DIR, and
# writes where they listen to DIR/pg_url and DIR/s3_url (read by tests/service_env.h).
#   start.sh DIR S3_PORT
set -eu
here=$(cd "$(dirname "$0")" && pwd)
dir=$1
port=$2
mkdir -p "$dir"
rm -f "$dir/pg_url" "$dir/s3_url"
"$here/postgres.sh" start "$dir/pg" >"$dir/pg_url.tmp"
mv "$dir/pg_url.tmp" "$dir/pg_url"
if [ -x "$here/s3.sh" ]; then
  "$here/s3.sh" start "$dir/s3" "$port" >"$dir/s3_url.tmp"
  mv "$dir/s3_url.tmp" "$dir/s3_url"
fi
echo "services up in $dir"
