#!/bin/sh
# Audio events benchmark (called by bench/run.sh, section "Audio events"): generates scenes with
# known events (events_bench gen: shots, bursts of automatic fire, blasts and supersonic shots mixed
# at known times into street, speech-like, music-like and traffic beds; analysis/events/
# scene_synth.h), keeps them uncompressed (WAV) and encodes them as AAC like phone video, runs
# `sightline events --json` on each and scores both (precision, recall, onset error, kinds,
# crack-thump intervals and distance ranges; precision, recall and onset error per bed);
# times the whole set beside a bare FFmpeg decode of the same files to 48 kHz mono, with peak
# memory.
#
# Then the same scenes with hard negatives added (drums, hand claps, door slams), AAC.
# Then `sightline events --sync` on pairs of recordings of one scene (link_bench: a known offset,
# each event with its own arrival-time difference): sync offset error, events linked, arrival-
# difference error, and the time against `sightline events` on the same two files.
#
#   bench/events/run.sh BUILD WORK      (BENCH_EVENTS_SCENES scenes of BENCH_EVENTS_SECONDS s,
#                                        BENCH_EVENTS_LINK_PAIRS pairs)
set -eu
BUILD=$1
WORK=$2/events
SIGHTLINE=$BUILD/sightline
N=${BENCH_EVENTS_SCENES:-20}
SECONDS_PER=${BENCH_EVENTS_SECONDS:-60}
HERE=$(dirname "$0")
SRC=$HERE/../../src
mkdir -p "$WORK"
printf '\nAudio events (sightline events) on %d generated scenes of %d s, WAV and AAC 128 kb/s\n' "$N" "$SECONDS_PER"
if ! "$SIGHTLINE" events --help >/dev/null 2>&1; then
  echo "(skipped: this build has no sightline events)"
  exit 0
fi
${CXX:-c++} -std=c++20 -O2 -I "$SRC" -o "$BUILD/events_bench" "$HERE/events_bench.cc" \
  "$SRC/analysis/events/scene_synth.cc" "$SRC/analysis/events/shooter_distance.cc"
"$BUILD/events_bench" gen "$WORK" "$N" "$SECONDS_PER"
k=0
while [ $k -lt "$N" ]; do
  ffmpeg -nostdin -loglevel error -y -i "$WORK/scene_$k.wav" -c:a aac -b:a 128k "$WORK/scene_$k.m4a"
  "$SIGHTLINE" events --no-speech --json "$WORK/scene_$k.wav" > "$WORK/scene_$k.wav.found.json"
  rm -f "$WORK/scene_$k.wav"
  k=$((k + 1))
done
measure() {
  /usr/bin/time -f "%e %M" -o "$WORK/time.txt" sh -c "$1" >/dev/null 2>&1 || true
  cat "$WORK/time.txt"
}
set -- $(measure "for f in $WORK/scene_*.m4a; do ffmpeg -nostdin -loglevel error -i \$f -ac 1 -ar 48000 -f null -; done")
t_dec=$1 m_dec=$2
set -- $(measure "k=0; while [ \$k -lt $N ]; do $SIGHTLINE events --json $WORK/scene_\$k.m4a > $WORK/scene_\$k.aac.found.json; k=\$((k + 1)); done")
t_ev=$1 m_ev=$2
set -- $(measure "for f in $WORK/scene_*.m4a; do $SIGHTLINE events --no-speech --json \$f; done")
t_ns=$1
printf '%s\n' "-- uncompressed (48 kHz float WAV)"
"$BUILD/events_bench" score "$WORK" "$N" wav
printf '%s\n' "-- AAC 128 kb/s"
"$BUILD/events_bench" score "$WORK" "$N" aac
hours=$(awk -v n="$N" -v s="$SECONDS_PER" 'BEGIN { printf "%.4f", n * s / 3600 }')
printf '%-44s %8s %10s %10s %10s\n' "job" "seconds" "s/hour" "vs decode" "peak MiB"
printf '%-44s %8.2f %10.1f %10s %10d\n' "ffmpeg decode to 48 kHz mono (baseline)" "$t_dec" \
  "$(awk -v a="$t_dec" -v h="$hours" 'BEGIN { print a / h }')" "1.00" $((m_dec / 1024))
printf '%-44s %8.2f %10.1f %10s %10d\n' "sightline events (decode + events + speech)" "$t_ev" \
  "$(awk -v a="$t_ev" -v h="$hours" 'BEGIN { print a / h }')" \
  "$(awk -v a="$t_ev" -v b="$t_dec" 'BEGIN { printf "%.2f", a / b }')" $((m_ev / 1024))
printf '%-44s %8.2f %10.1f %10s\n' "sightline events --no-speech" "$t_ns" \
  "$(awk -v a="$t_ns" -v h="$hours" 'BEGIN { print a / h }')" \
  "$(awk -v a="$t_ns" -v b="$t_dec" 'BEGIN { printf "%.2f", a / b }')"
echo "(goals: precision and recall >= 0.9, onset error <= 10 ms; a process per file, so startup counts)"

# The same scenes with hard negatives (events_bench gen ... 1000: drums and hand claps in the music
# bed, hand claps over voices, door slams in street and traffic), AAC only.
mkdir -p "$WORK/hard"
printf '\n%s\n' "-- AAC 128 kb/s, the same scenes with drums, hand claps and door slams added"
"$BUILD/events_bench" gen "$WORK/hard" "$N" "$SECONDS_PER" 1000
k=0
while [ $k -lt "$N" ]; do
  ffmpeg -nostdin -loglevel error -y -i "$WORK/hard/scene_$k.wav" -c:a aac -b:a 128k "$WORK/hard/scene_$k.m4a"
  rm -f "$WORK/hard/scene_$k.wav"
  "$SIGHTLINE" events --no-speech --json "$WORK/hard/scene_$k.m4a" > "$WORK/hard/scene_$k.aac.found.json"
  k=$((k + 1))
done
"$BUILD/events_bench" score "$WORK/hard" "$N" aac

NL=${BENCH_EVENTS_LINK_PAIRS:-10}
printf '\nLinking events across synced clips (sightline events --sync) on %d generated pairs, 60 s and 40 s, AAC 128 kb/s\n' "$NL"
${CXX:-c++} -std=c++20 -O2 -I "$SRC" -o "$BUILD/link_bench" "$HERE/link_bench.cc" \
  "$SRC/analysis/events/scene_synth.cc" "$SRC/analysis/events/shooter_distance.cc"
"$BUILD/link_bench" gen "$WORK" "$NL"
k=0
while [ $k -lt "$NL" ]; do
  for s in a b; do
    ffmpeg -nostdin -loglevel error -y -i "$WORK/pair_${k}_$s.wav" -c:a aac -b:a 128k "$WORK/pair_${k}_$s.m4a"
    rm -f "$WORK/pair_${k}_$s.wav"
  done
  k=$((k + 1))
done
set -- $(measure "k=0; while [ \$k -lt $NL ]; do $SIGHTLINE events --sync --no-speech --json $WORK/pair_\${k}_a.m4a $WORK/pair_\${k}_b.m4a > $WORK/pair_\$k.found.json; k=\$((k + 1)); done")
t_sync=$1 m_sync=$2
set -- $(measure "k=0; while [ \$k -lt $NL ]; do $SIGHTLINE events --no-speech --json $WORK/pair_\${k}_a.m4a $WORK/pair_\${k}_b.m4a; k=\$((k + 1)); done")
t_alone=$1
"$BUILD/link_bench" score "$WORK" "$NL"
printf '%-44s %8s %10s %10s\n' "job" "seconds" "s/pair" "peak MiB"
printf '%-44s %8.2f %10.2f\n' "sightline events --no-speech (both files)" "$t_alone" \
  "$(awk -v a="$t_alone" -v n="$NL" 'BEGIN { print a / n }')"
printf '%-44s %8.2f %10.2f %10d\n' "sightline events --sync --no-speech" "$t_sync" \
  "$(awk -v a="$t_sync" -v n="$NL" 'BEGIN { print a / n }')" $((m_sync / 1024))
