#!/bin/sh
# Sightline's benchmark harness: measures our work side by side with the baseline tools doing the
# same job on the same files in the same run, and prints ratios.
#
#   ingest: `sightline ingest` (copy + SHA-256 in one pass + fsync + media check + signed custody
#           entry) vs `cp` + `sha256sum` of the same files (no fsync), and vs cp + sync + sha256sum.
#   micro:  library-level rates (bench_main.cc).
set -eu
BUILD=${1:-build}
SIGHTLINE=$BUILD/sightline
WORK=$BUILD/bench
FILES=${BENCH_FILES:-8}
MB=${BENCH_MB:-32}
RUNS=${BENCH_RUNS:-3}
rm -rf "$WORK"
mkdir -p "$WORK/data"
export SIGHTLINE_KEY_DIR="$WORK/keys" SIGHTLINE_ACTOR=bench

i=0
while [ $i -lt "$FILES" ]; do
  head -c $((MB * 1024 * 1024)) /dev/urandom > "$WORK/data/file$i.bin"
  i=$((i + 1))
done
TOTAL_MB=$((FILES * MB))

now() { date +%s.%N; }
# Runs a shell command RUNS times (after one warm-up), prints the median wall time in seconds.
median_time() {
  sh -c "$2" >/dev/null 2>&1 || true
  times=""
  r=0
  while [ $r -lt "$RUNS" ]; do
    sh -c "$1" >/dev/null 2>&1 || true
    t0=$(now)
    sh -c "$2" >/dev/null 2>&1 || true
    t1=$(now)
    times="$times $(awk -v a="$t1" -v b="$t0" 'BEGIN { printf "%.4f", a - b }')"
    r=$((r + 1))
  done
  echo $times | tr ' ' '\n' | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}

D=$WORK
t_cp=$(median_time "rm -rf $D/dst" "cp -r $D/data $D/dst && sha256sum $D/dst/* ")
t_cp_sync=$(median_time "rm -rf $D/dst" "cp -r $D/data $D/dst && sync && sha256sum $D/dst/*")
t_ingest=$(median_time "rm -rf $D/case" "$SIGHTLINE ingest --case $D/case $D/data")

rate() { awk -v a="$TOTAL_MB" -v b="$1" 'BEGIN { printf "%.1f", a / b }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
printf '\nIngest of %d files x %d MiB (%d MiB), median of %d runs, page cache warm\n' \
  "$FILES" "$MB" "$TOTAL_MB" "$RUNS"
printf '%-48s %8s %8s %10s\n' "job" "seconds" "MiB/s" "vs cp+sha"
printf '%-48s %8.3f %8s %10s\n' "cp + sha256sum (baseline)" "$t_cp" "$(rate "$t_cp")" "1.00"
printf '%-48s %8.3f %8s %10s\n' "cp + sync + sha256sum" "$t_cp_sync" "$(rate "$t_cp_sync")" \
  "$(ratio "$t_cp_sync" "$t_cp")"
printf '%-48s %8.3f %8s %10s\n' "sightline ingest (fsync, custody, media check)" "$t_ingest" \
  "$(rate "$t_ingest")" "$(ratio "$t_ingest" "$t_cp")"
echo "(goal: sightline ingest within 1.5x of cp + sha256sum)"

# The same comparison on real media, when the development corpus is beside the checkout: here the
# media check demuxes every packet and decodes a first frame, and probe reads the metadata.
CORPUS=${SIGHTLINE_CORPUS:-$(dirname "$0")/../../shared/corpus}
if [ -d "$CORPUS/video" ]; then
  rm -rf "$D/data"
  cp -r "$CORPUS/video" "$D/data"
  n=$(find "$D/data" -type f | wc -l)
  CORPUS_MB=$(du -sm "$D/data" | cut -f1)
  t_cp=$(median_time "rm -rf $D/dst" "cp -r $D/data $D/dst && find $D/dst -type f -exec sha256sum {} +")
  t_ingest=$(median_time "rm -rf $D/case" "$SIGHTLINE ingest --case $D/case $D/data")
  TOTAL_MB=$CORPUS_MB
  printf '\nIngest of the corpus videos (%s files, %s MiB), median of %d runs\n' "$n" "$CORPUS_MB" "$RUNS"
  printf '%-48s %8s %8s %10s\n' "job" "seconds" "MiB/s" "vs cp+sha"
  printf '%-48s %8.3f %8s %10s\n' "cp + sha256sum (baseline)" "$t_cp" "$(rate "$t_cp")" "1.00"
  printf '%-48s %8.3f %8s %10s\n' "sightline ingest (fsync, custody, media check)" "$t_ingest" \
    "$(rate "$t_ingest")" "$(ratio "$t_ingest" "$t_cp")"
fi

printf '\nLibrary rates\n'
"$BUILD/sightline_bench"
rm -rf "$WORK"
