#!/bin/sh
# Same-place matching and locating benchmark (called by bench/run.sh): recall and false matches
# of `sightline scene`'s method on the corpus's photos and multi-camera clips, pairs per second,
# and `sightline locate` at 10,000 references (index build, load, query time). See doc/scene.md.
#
#   bench/scene/run.sh BUILD WORK        (SCENE_BENCH_REFS=N for another reference count)
set -eu
BUILD=$1
WORK=$2/scene
HERE=$(dirname "$0")
CORPUS=${SIGHTLINE_CORPUS:-$HERE/../../../shared/corpus}
mkdir -p "$WORK"
printf '\nPlace: same-place matching and locating (analysis/scene: RootSIFT, MAGSAC, VLAD)\n'
if [ ! -x "$BUILD/sightline_scene_bench" ]; then
  echo "(skipped: $BUILD/sightline_scene_bench not built; re-run cmake after adding bench/scene)"
  exit 0
fi
if [ ! -d "$CORPUS/photos" ]; then
  echo "(skipped: needs the corpus, ../shared/corpus or \$SIGHTLINE_CORPUS)"
  exit 0
fi
"$BUILD/sightline_scene_bench" --corpus "$CORPUS" --work "$WORK" --refs "${SCENE_BENCH_REFS:-10000}"
# End to end through the CLI: two photos, with the evidence picture.
L=$CORPUS/photos/multiview_gps/opensfm_lund
t0=$(date +%s.%N)
"$BUILD/sightline" scene --picture "$WORK/lund_05_06.jpg" "$L/05.jpg" "$L/06.jpg" | head -1
t1=$(date +%s.%N)
printf '  sightline scene on two 1024x768 photos, end to end: %s s (picture: %s)\n' \
  "$(awk -v a="$t1" -v b="$t0" 'BEGIN { printf "%.2f", a - b }')" "$WORK/lund_05_06.jpg"
