#!/bin/sh
# Geodata benchmark (called by bench/run.sh): a 1,000,000-point GPX read (time, memory), GPMF and
# coordinate rates (sightline_geo_bench), `sightline track` on the corpus's GoPro clips, and their
# GPS samples compared one by one with exiftool's reading of the same files (an independent GPMF
# reader): bench/geo/compare_exiftool.py.
#
#   bench/geo/run.sh BUILD WORK
set -eu
BUILD=$1
WORK=$2/geo
HERE=$(dirname "$0")
CORPUS=${SIGHTLINE_CORPUS:-$HERE/../../../shared/corpus}
mkdir -p "$WORK"
printf '\nGeodata (signals/geo: GPMF, GPX; analysis/geo: coordinates)\n'
if [ ! -x "$BUILD/sightline_geo_bench" ]; then
  echo "(skipped: $BUILD/sightline_geo_bench not built; re-run cmake after adding bench/geo)"
  exit 0
fi
"$BUILD/sightline_geo_bench" --work "$WORK"
clips="$CORPUS/video/gps_telemetry"
if [ -d "$clips" ]; then
  for f in "$clips"/*.mp4; do
    t0=$(date +%s.%N)
    "$BUILD/sightline" track --json "$f" > "$WORK/$(basename "$f").json"
    t1=$(date +%s.%N)
    printf '%-52s %12s s\n' "sightline track $(basename "$f")" \
      "$(awk -v a="$t1" -v b="$t0" 'BEGIN { printf "%.3f", a - b }')"
    if command -v exiftool >/dev/null 2>&1 && command -v python3 >/dev/null 2>&1; then
      python3 "$HERE/compare_exiftool.py" "$f" "$WORK/$(basename "$f").json"
    fi
  done
else
  echo "(corpus clips not found under $clips: GPMF agreement not checked)"
fi
