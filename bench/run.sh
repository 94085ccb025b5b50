#!/bin/sh
# Sightline's benchmark harness: measures our work side by side with the baseline tools doing the
# same job on the same files in the same run, and prints ratios.
#
#   ingest: `sightline ingest` (copy + SHA-256 in one pass + fsync + media check + signed custody
#           entry) vs `cp` + `sha256sum` of the same files (no fsync), and vs cp + sync + sha256sum.
#   visual: `sightline hash` (1 frame/s and every frame) and `sightline shots` vs a bare
#           `ffmpeg -threads 2 -f null` decode of a 1080p H.264 clip.
#   match:  shared footage found by `sightline match` on a set generated from the corpus
#           (bench/match/; recall per edit, false pairs, segment error, time per file). One
#           match over the whole set, as a desk runs it on a case (BENCH_MATCH_MODE=per-source:
#           one run per source clip instead).
#   index:  the frame-hash index at 10 million hashes (bench/index/).
#   scene:  same-place matching and locate at 10,000 references (bench/scene/).
#   sun:    SPA calls per second and the global shadow map (bench/sun/).
#   geo:    1M-point GPX, GPMF and coordinate rates, GoPro clips against exiftool (bench/geo/).
#   text:   OCR frames per second and character error rate by language and condition (bench/text/).
#   sync:   audio sync accuracy and time vs a bare decode (bench/sync/).
#   events: audio events found by `sightline events` on generated scenes (bench/events/).
#   analyze: `sightline analyze --case` on the corpus's natural clips, per stage, beside a bare
#           decode of the same files (bench/analyze/).
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

# Visual signals on a long 1080p H.264 clip with B-frames (made once from the corpus, or from
# FFmpeg's test source without it, and kept in $BUILD/bench-media): each job side by side with a
# bare 2-thread decode of the same file, with peak memory.
MEDIA=$BUILD/bench-media
LONG=$MEDIA/long1080.mp4
mkdir -p "$MEDIA"
if [ ! -s "$LONG" ]; then
  echo "(making a 171 s 1080p test clip, once: about 2-3 minutes)"
  if [ -f "$CORPUS/video/natural/samplelib_sample-5s.mp4" ]; then
    SRC="-stream_loop 29 -i $CORPUS/video/natural/samplelib_sample-5s.mp4"
  else
    SRC="-f lavfi -i testsrc2=size=1920x1080:rate=30,trim=duration=171"
  fi
  ffmpeg -nostdin -loglevel error -y $SRC -an -c:v libx264 -preset veryfast -bf 3 -g 60 \
    -pix_fmt yuv420p "$LONG.tmp.mp4" && mv "$LONG.tmp.mp4" "$LONG"
fi
# Prints "seconds peak_kib" for one run of a command.
measure() {
  /usr/bin/time -f "%e %M" -o "$WORK/time.txt" sh -c "$1" >/dev/null 2>&1 || true
  cat "$WORK/time.txt"
}
set -- $(measure "ffmpeg -nostdin -loglevel error -threads 2 -i $LONG -f null -")
t_dec=$1 m_dec=$2
printf '\nVisual signals on %s (1080p H.264, B-frames, %s)\n' "$(basename "$LONG")" \
  "$(ffprobe -v error -show_entries format=duration -of csv=p=0 "$LONG" | cut -d. -f1) s"
printf '%-48s %8s %10s %10s\n' "job" "seconds" "vs decode" "peak MiB"
printf '%-48s %8.2f %10s %10d\n' "ffmpeg -threads 2 -i F -f null - (decode)" "$t_dec" "1.00" \
  $((m_dec / 1024))
for job in "hash F (1 frame/s)|$SIGHTLINE hash $LONG" \
           "hash --rate all F (every frame)|$SIGHTLINE hash --rate all $LONG" \
           "shots F|$SIGHTLINE shots $LONG"; do
  name=${job%%|*}
  cmd=${job#*|}
  set -- $(measure "$cmd")
  printf '%-48s %8.2f %10s %10d\n' "sightline $name" "$1" "$(ratio "$1" "$t_dec")" $(($2 / 1024))
done
echo "(goals: hash at 1 frame/s <= 0.5x decode, every frame <= 1.3x; memory bounded)"

# Shared footage: `sightline match` over a test set made once from the corpus by
# bench/match/make_set.sh (kept in $BUILD/match-set; bench/match/README.md) and scored by
# sightline_match_eval: recall per edit, segment-time error, false pairs, time per file.
if [ ! -d "$CORPUS/video" ]; then
  printf '\nShared footage (sightline match)\n'
  echo "(skipped: needs the corpus, ../shared/corpus or \$SIGHTLINE_CORPUS)"
elif ! "$SIGHTLINE" match --help >/dev/null 2>&1; then
  printf '\nShared footage (sightline match)\n(skipped: this build has no sightline match)\n'
elif SIGHTLINE_CORPUS=$CORPUS "$(dirname "$0")/match/make_set.sh" "$BUILD"; then
  "$BUILD/sightline_match_eval" --sightline "$SIGHTLINE" --mode "${BENCH_MATCH_MODE:-all}" \
    "$BUILD/match-set" || echo "(sightline match failed on the set: see above)"
else
  printf '\nShared footage (sightline match)\n(skipped: the test set could not be made)\n'
fi

# Audio sync: `sightline sync` on the corpus's acceptance pairs (bbc_timbl, bbc_r4), on degraded
# pairs with known offsets and 50 one-minute clips made once from the corpus and generated scenes
# (bench/sync/make_set.sh, kept in $BUILD/sync-set): accuracy, drift, false pairs, groups, and
# time beside a bare decode of the same files; a 3-hour file's time and memory.
"$(dirname "$0")/sync/run.sh" "$BUILD" "$WORK" || echo "(audio sync bench failed: see above)"

# Audio events: precision, recall and onset error of `sightline events` on generated scenes
# (bench/events/: shots, bursts, blasts and supersonic shots in street, speech, music and traffic
# beds, AAC), and its time beside a bare decode of the same files.
"$(dirname "$0")/events/run.sh" "$BUILD" "$WORK" || echo "(audio events bench failed: see above)"

# A whole case: `sightline analyze` (footage, moment, sounds, text, place and event stages) on the
# corpus's natural clips, each stage's time, and the run's CPU beside a bare decode (bench/analyze/).
"$(dirname "$0")/analyze/run.sh" "$BUILD" "$WORK" || echo "(analyze bench failed: see above)"

# The workbench under load (bench/serve): 50 clients reading the API and 5 uploading for 60 s
# against `serve` on loopback; errors (must be 0) and API read latency (goal: p95 < 100 ms).
printf '\nWorkbench under load (sightline serve, 50 readers + 5 uploaders, 60 s)\n'
"$(dirname "$0")/serve/run.sh" "$BUILD/sightline" 60 || echo "(serve load bench failed: see above)"
printf '\nThe same with the catalogue on PostgreSQL (a throwaway server on a Unix socket, fsync off)\n'
"$(dirname "$0")/serve/run.sh" "$BUILD/sightline" 60 50 5 postgres ||
  echo "(serve load bench on PostgreSQL failed: see above)"

# Frame-hash index at archive scale (bench/index/): synthetic PDQ-like hashes of re-posted clips;
# build, save, load, incremental insert and append, memory, and 60-hash clip queries at radius 31
# beside brute force, whose hits must be identical. Key frames come from 50 scene families, as
# skewed as real PDQ hashes (BENCH_INDEX_FAMILIES=0: uniform). BENCH_INDEX_FAISS=1 adds FAISS's
# binary indexes on the same frames (minutes more).
IDX_FRAMES=${BENCH_INDEX_FRAMES:-10000000}
printf '\nFrame-hash index (analysis/match/hash_index.h), %s synthetic frames\n' "$IDX_FRAMES"
"$BUILD/sightline_index_bench" --frames "$IDX_FRAMES" --dir "$WORK" \
  --families "${BENCH_INDEX_FAMILIES:-50}" ${BENCH_INDEX_FAISS:+--faiss} ||
  echo "(frame-hash index bench failed: see above)"

# Place and time (bench/scene, bench/locate, bench/sun, bench/geo, bench/text): scene pairs per
# second, locate at 10k references, locate's wide-baseline gain and OCR cost per reference, SPA
# calls per second, shadow map time, geodata rates, OCR speed and accuracy; each section's script
# prints its own table.
for section in scene locate sun geo text; do
  if [ -x "$(dirname "$0")/$section/run.sh" ]; then
    "$(dirname "$0")/$section/run.sh" "$BUILD" "$WORK" || echo "($section bench failed: see above)"
  fi
done

printf '\nLibrary rates\n'
"$BUILD/sightline_bench"
rm -rf "$WORK"

# The archive (issue 10, bench/archive/): the job queue's claims per second on PostgreSQL and
# SQLite, and items analysed per hour by 1 and 2 workers.
printf '\nArchive: job queue and workers (bench/archive/run.sh)\n'
"$(dirname "$0")/archive/run.sh" "$BUILD" || echo "(archive bench failed: see above)"

# The sharded frame-hash index (bench/shards/): build, memory, query latency and recall against a
# flat scan for 10M hashes in 2-8 shards (100M with BENCH_SHARDS_100M=1), and how long a new row
# takes to become searchable through a shard's tail of the catalogue.
if [ -x "$(dirname "$0")/shards/run.sh" ]; then
  printf '\nSharded frame-hash index (bench/shards/run.sh)\n'
  "$(dirname "$0")/shards/run.sh" "$BUILD" || echo "(shards bench failed: see above)"
fi
