#!/bin/sh
# The archive's throughput (issue 10): the job queue's claims per second on PostgreSQL and on
# SQLite, and items analysed per hour by 1 and by 2 `sightline worker` processes on one machine
# (each analyze + compare job; generated 640x360 clips of 6 s at 25 fps).
#   bench/archive/run.sh BUILD_DIR
# Starts a throwaway PostgreSQL (tests/services/postgres.sh) in BUILD_DIR/bench-archive.
set -eu
BUILD=${1:-build}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
SIGHTLINE=$(cd "$BUILD" && pwd)/sightline
WORK=$(cd "$BUILD" && pwd)/bench-archive
CLIPS=${BENCH_ARCHIVE_CLIPS:-40}
rm -rf "$WORK"
mkdir -p "$WORK/clips"
export SIGHTLINE_KEY_DIR="$WORK/keys" SIGHTLINE_ACTOR=bench

pg=/tmp/sightline-bench-pg-$$
base=$("$root/tests/services/postgres.sh" start "$pg")
trap '"$root/tests/services/postgres.sh" stop "$pg"; rm -rf "$pg"' EXIT
db_url() { echo "$base" | sed "s|/postgres?|/$1?|"; }
psql "$base" -q -c "CREATE DATABASE bench_queue" -c "CREATE DATABASE bench_w1" -c "CREATE DATABASE bench_w2"

echo "== archive: job queue (claim + finish, jobs a second)"
"$BUILD/sightline_archive_bench" "$(db_url bench_queue)" 4000
"$BUILD/sightline_archive_bench" "$WORK/queue.db" 4000

echo "== archive: items per hour, analyze + compare, $CLIPS clips of 6 s 640x360"
ffmpeg -y -loglevel error -f lavfi \
  -i "cellauto=rule=30:s=640x360:rate=25:random_fill_ratio=0.5:random_seed=3:scroll=1" \
  -t $((CLIPS * 6)) -c:v libx264 -preset veryfast -g 50 -pix_fmt yuv420p -f segment \
  -segment_time 6 -reset_timestamps 1 "$WORK/clips/clip%03d.mp4"
"$SIGHTLINE" ingest --case "$WORK/case" "$WORK"/clips/*.mp4 >/dev/null
decode_start=$(date +%s.%N)
for f in "$WORK"/clips/*.mp4; do ffmpeg -loglevel error -threads 1 -i "$f" -f null -; done
decode_s=$(echo "$(date +%s.%N) - $decode_start" | bc)
for n in 1 2; do
  url=$(db_url bench_w$n)
  "$SIGHTLINE" archive add --catalog "$url" --objects "$WORK/objects" --case "$WORK/case" >/dev/null
  start=$(date +%s.%N)
  i=0
  while [ $i -lt $n ]; do
    "$SIGHTLINE" worker --catalog "$url" --objects "$WORK/objects" --idle-exit 1 --json \
      >"$WORK/w$n-$i.json" 2>/dev/null &
    i=$((i + 1))
  done
  wait
  wall=$(echo "$(date +%s.%N) - $start - 1" | bc)  # less the idle second before exit
  per_hour=$(echo "$CLIPS * 3600 / $wall" | bc)
  printf 'workers %d: %d items in %.1f s (idle exit excluded) = %d items/hour; bare decode of the same files, 1 thread, one after another: %.1f s\n' \
    "$n" "$CLIPS" "$wall" "$per_hour" "$decode_s"
done
