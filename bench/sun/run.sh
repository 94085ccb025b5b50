#!/bin/sh
# Sun and shadows benchmark (called by bench/run.sh): SPA calls per second on one core, the
# global 0.1° shadow map's time (median of several runs) with checks against the goals (< 2 s,
# goal < 200 ms), SPA's agreement with the paper's worked example and the ERFA reference table,
# and `sightline shadow --time ... --geojson --png` end to end.
#
#   bench/sun/run.sh BUILD WORK
set -eu
BUILD=$1
WORK=$2/sun
HERE=$(dirname "$0")
mkdir -p "$WORK"
printf '\nSun and shadows (analysis/sun: NREL SPA, shadow maps)\n'
if [ ! -x "$BUILD/sightline_sun_bench" ]; then
  echo "(skipped: $BUILD/sightline_sun_bench not built; re-run cmake after adding bench/sun)"
  exit 0
fi
taskset -c 0 "$BUILD/sightline_sun_bench" --reference "$HERE/../../tests/data/sun/spa_reference.csv" \
  --runs "${BENCH_SUN_RUNS:-7}" 2>/dev/null ||
  "$BUILD/sightline_sun_bench" --reference "$HERE/../../tests/data/sun/spa_reference.csv" \
    --runs "${BENCH_SUN_RUNS:-7}"
if "$BUILD/sightline" shadow --help >/dev/null 2>&1; then
  times=""
  for r in 1 2 3; do
    t0=$(date +%s.%N)
    "$BUILD/sightline" shadow --time 2024-05-01T07:30:00Z --height 1.8 --length 2.1:2.3 \
      --shadow-azimuth 290±2 --geojson "$WORK/band.geojson" --png "$WORK/band.png" >/dev/null
    t1=$(date +%s.%N)
    times="$times $(awk -v a="$t1" -v b="$t0" 'BEGIN { printf "%.3f", a - b }')"
  done
  med=$(echo $times | tr ' ' '\n' | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  printf '%-52s %12s s\n' "sightline shadow --time ... --geojson --png (median)" "$med"
fi
