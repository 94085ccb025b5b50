#!/bin/sh
# The sharded frame-hash index (issue 10, doc/hash-shards.md), with sightline_shards_bench:
#  - 10 million synthetic PDQ-like frame hashes in 2, 4 and 8 shards (in one process, each shard
#    an archive::ShardIndex fed as the catalogue reads would feed it): build time, memory, the
#    CPU time of each shard for 60-hash clip queries at radius 31 (a fan-out with a core per
#    shard answers after the slowest), and recall against a flat brute-force scan (must be 1.0);
#  - the tail path end to end: a SQLite catalogue, shard servers on loopback polling every second,
#    the fan-out client: query latency through HTTP and the time for a new item to be found.
# About 3 minutes and 1.5 GB. The 100-million case (about 12 GB of memory, 8-10 minutes) runs only
# with BENCH_SHARDS_100M=1, and says so when skipped.
#   bench/shards/run.sh [BUILD]
set -eu
BUILD=${1:-build}
BIN=$BUILD/sightline_shards_bench
WORK=$BUILD/bench-shards
if [ ! -x "$BIN" ]; then
  echo "bench/shards/run.sh: $BIN is not built (cmake --build $BUILD)" >&2
  exit 1
fi
rm -rf "$WORK"
mkdir -p "$WORK"
"$BIN" --frames "${BENCH_SHARDS_FRAMES:-10000000}" --shards "${BENCH_SHARDS_COUNTS:-2,4,8}" \
  --dir "$WORK"
if [ "${BENCH_SHARDS_100M:-0}" = 1 ]; then
  "$BIN" --frames 100000000 --shards 8,4 --queries 30 --check 2 --no-tail --dir "$WORK"
else
  printf '\n100 million hashes: SKIPPED (needs about 12 GB of memory and 10 minutes; run with\n'
  printf 'BENCH_SHARDS_100M=1 %s %s)\n' "$0" "$BUILD"
fi
rm -rf "$WORK"
