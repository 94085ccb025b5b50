#!/bin/sh
# Audio sync benchmark (called by bench/run.sh, section "Audio sync"): `sightline sync` on
#  1. the corpus's acceptance pairs (audio/sync/bbc_timbl: offsets within 5 ms of the known ones;
#     audio/sync/bbc_r4: two excerpts that do not overlap, so no pair);
#  2. degraded pairs with known offsets (bench/sync/make_set.sh; made once into BUILD/sync-set):
#     offset error, drift, misses and false pairs, and each pair's time beside a bare decode of both
#     files' audio (`ffmpeg -i X -vn -f null -`, one after the other; sync runs with --threads 1, so
#     both sides use one core): what matching adds to decoding;
#  3. 50 one-minute clips in one run (groups cut from four scenes, ten clips that overlap nothing):
#     pair recall and false pairs, groups, and the time beside a bare decode of all 50.
# Times are the best of BENCH_SYNC_RUNS runs (default 3), as other jobs share the machine.
#
#   bench/sync/run.sh BUILD WORK
set -eu
BUILD=$1
WORK=$2/sync
SIGHTLINE=$BUILD/sightline
HERE=$(dirname "$0")
CORPUS=${SIGHTLINE_CORPUS:-$HERE/../../../shared/corpus}
RUNS=${BENCH_SYNC_RUNS:-3}
printf '\nAudio sync (sightline sync)\n'
if ! "$SIGHTLINE" sync --help >/dev/null 2>&1; then
  echo "(skipped: this build has no sightline sync)"
  exit 0
fi
if [ ! -d "$CORPUS/audio/sync" ]; then
  echo "(skipped: needs the corpus, ../shared/corpus or \$SIGHTLINE_CORPUS)"
  exit 0
fi
if ! "$HERE/make_set.sh" "$BUILD" "$CORPUS"; then
  echo "(skipped: the test set could not be made)"
  exit 0
fi
SET=$BUILD/sync-set
B=$BUILD/sync_bench
SRC=$HERE/../../src
[ "$B" -nt "$HERE/sync_bench.cc" ] || ${CXX:-c++} -std=c++20 -O2 -I "$SRC" -o "$B" \
  "$HERE/sync_bench.cc" "$SRC/analysis/events/scene_synth.cc" "$SRC/analysis/events/shooter_distance.cc"
mkdir -p "$WORK" "$SET/pairs/out" "$SET/clips/out"

# "wall cpu": the best wall time and the best CPU time (user + system) of RUNS runs of a command,
# seconds. CPU time is the fairer measure on a shared machine.
best() {
  r=0
  : > "$WORK/times.txt"
  while [ $r -lt "$RUNS" ]; do
    /usr/bin/time -f "%e %U %S" -o "$WORK/time.txt" sh -c "$1" >/dev/null 2>&1 || true
    awk '{ printf "%s %.2f\n", $1, $2 + $3 }' "$WORK/time.txt" >> "$WORK/times.txt"
    r=$((r + 1))
  done
  echo "$(sort -g -k1 "$WORK/times.txt" | head -1 | cut -d' ' -f1)" \
    "$(sort -g -k2 "$WORK/times.txt" | head -1 | cut -d' ' -f2)"
}

echo "Acceptance (corpus):"
"$SIGHTLINE" sync --json "$CORPUS"/audio/sync/bbc_timbl/timbl_1.mp3 \
  "$CORPUS"/audio/sync/bbc_timbl/timbl_2.mp3 "$CORPUS"/audio/sync/bbc_timbl/timbl_3.mp3 \
  > "$WORK/timbl.json" || true
"$B" bbc "$WORK/timbl.json" 12.254 12.23 | sed 's/^/  /'
"$SIGHTLINE" sync --json "$CORPUS"/audio/sync/bbc_r4/r4_excerpt.ogg \
  "$CORPUS"/audio/sync/bbc_r4/r4_excerpt2.ogg > "$WORK/r4.json" || true
"$B" bbc "$WORK/r4.json" 0 0 | sed 's/^/  /'

P=$SET/pairs
printf '\nDegraded pairs with known offsets (%s; times: best of %d)\n' "bench/sync/make_set.sh" "$RUNS"
: > "$P/out/times.tsv"
grep -v '^#' "$P/pairs.tsv" | while IFS="$(printf '\t')" read -r id a b rest; do
  dec="ffmpeg -nostdin -loglevel error -i $P/$a -vn -f null - && ffmpeg -nostdin -loglevel error -i $P/$b -vn -f null -"
  rs="-vn -ac 1 -ar 11025 -f null -"
  dec11="ffmpeg -nostdin -loglevel error -i $P/$a $rs && ffmpeg -nostdin -loglevel error -i $P/$b $rs"
  "$SIGHTLINE" sync --json --threads 1 "$P/$a" "$P/$b" > "$P/out/$id.json" || true
  set -- $(best "$dec") $(best "$dec11") $(best "$SIGHTLINE sync --json --threads 1 $P/$a $P/$b")
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$id" "$1" "$5" "$2" "$6" "$4" >> "$P/out/times.tsv"
done
"$B" pairs "$P"

C=$SET/clips
n=$(grep -vc '^#' "$C/clips.tsv")
printf '\n%d one-minute clips in one run (5 scenes; 10 clips overlap nothing)\n' "$n"
set -- $(best "for f in $C/clip_*.*; do ffmpeg -nostdin -loglevel error -i \$f -vn -f null -; done")
dec_wall=$1 dec_cpu=$2
"$SIGHTLINE" sync --json "$C"/clip_*.* > "$C/out/clips.json" || true
set -- $(best "$SIGHTLINE sync --json --threads 1 $C/clip_*.*")
one_wall=$1 one_cpu=$2
set -- $(best "$SIGHTLINE sync --json $C/clip_*.*")
"$B" clips "$C"
row() { printf '%-56s %8.2f %8.2f %10s\n' "$1" "$2" "$3" "$4"; }
pct() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%+.0f%%", 100 * (a - b) / b }'; }
printf '%-56s %8s %8s %10s\n' "job" "wall s" "CPU s" "CPU extra"
row "ffmpeg -i X -vn -f null - (each clip, one after another)" "$dec_wall" "$dec_cpu" ""
row "sightline sync --threads 1 (50 clips, 1225 pairs)" "$one_wall" "$one_cpu" "$(pct "$one_cpu" "$dec_cpu")"
row "sightline sync (default threads)" "$1" "$2" "$(pct "$2" "$dec_cpu")"

# A 3-hour file (a 669.5 s recording looped 17 times by stream copy) against a 4 s excerpt of
# something else: memory stays bounded (PCM beyond 512 MB goes to a temporary file), time beside a
# bare decode. One run each (BENCH_SYNC_LONG=0 skips it).
if [ "${BENCH_SYNC_LONG:-1}" = 1 ]; then
  LONG=$SET/long3h.opus
  [ -s "$LONG" ] || ffmpeg -nostdin -loglevel error -y -stream_loop 16 -i "$P/p08_b.opus" -c copy "$LONG"
  /usr/bin/time -f "%e %U %S %M" -o "$WORK/time.txt" ffmpeg -nostdin -loglevel error -i "$LONG" -vn -f null - || true
  read -r dw du ds dm < "$WORK/time.txt"
  /usr/bin/time -f "%e %U %S %M" -o "$WORK/time.txt" "$SIGHTLINE" sync --json --threads 1 "$LONG" \
    "$P/p03_b.opus" > "$WORK/long.json" 2>/dev/null || true
  read -r sw su ss sm < "$WORK/time.txt"
  dcpu=$(awk -v a="$du" -v b="$ds" 'BEGIN { print a + b }')
  scpu=$(awk -v a="$su" -v b="$ss" 'BEGIN { print a + b }')
  printf '\nA %s s file against a 4 s clip of something else: %s\n' \
    "$(ffprobe -v error -show_entries format=duration -of csv=p=0 "$LONG" | cut -d. -f1)" \
    "$("$B" summary "$WORK/long.json")"
  printf '%-56s %8s %8s %10s %9s\n' "job" "wall s" "CPU s" "CPU extra" "peak MiB"
  printf '%-56s %8.2f %8.2f %10s %9d\n' "ffmpeg -i X -vn -f null -" "$dw" "$dcpu" "" $((dm / 1024))
  printf '%-56s %8.2f %8.2f %10s %9d\n' "sightline sync --threads 1" "$sw" "$scpu" \
    "$(pct "$scpu" "$dcpu")" $((sm / 1024))
fi
echo "(goals: bbc_timbl within 5 ms, no bbc_r4 pair; median error <= 5 ms, max <= 20 ms, no false"
echo " pair; matching adds < 10% to decoding; 50 one-minute clips in seconds; bounded memory)"
