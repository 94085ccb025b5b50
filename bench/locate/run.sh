#!/bin/sh
# Locate benchmark (to be called by bench/run.sh): `sightline locate` end to end on the corpus.
#  1. Wide baseline: references = every sixth Lund street view (01, 07, 13, 19, 25, with GPS) and
#     the corpus's other photos as distractors (Berlin, camera samples, phone photos); queries =
#     the 24 other Lund views, 1 to 3 steps (about 6 to 18 m) from the nearest reference (29: 4
#     steps from 25). Run with
#     `--wide 0` (the direct test only) and the default (`--wide 3`: compare.h's wide-baseline
#     stages for the best rejected candidates when nothing matched directly). A query counts as
#     placed right when the reference that gave its position is a nearest Lund reference (ties:
#     either), and as wrong when it is anything else.
#  2. Text: the cost of reading the references' text (--ref-text) per reference, for the same
#     references and for generated 320x240 pictures like bench/scene's distractors, and what the
#     10,000-reference index of bench/scene would take.
#
#   bench/locate/run.sh BUILD WORK        (LOCATE_BENCH_PICTURES=N generated pictures, default 200)
set -eu
BUILD=$1
WORK=$2/locate
HERE=$(cd "$(dirname "$0")" && pwd)
CORPUS=${SIGHTLINE_CORPUS:-$HERE/../../../shared/corpus}
SL=$BUILD/sightline
mkdir -p "$WORK"
printf '\nLocate: wide-baseline verification and place words (analysis/scene/locate)\n'
if [ ! -x "$SL" ]; then
  echo "(skipped: $SL not built)"
  exit 0
fi
if [ ! -d "$CORPUS/photos/multiview_gps/opensfm_lund" ]; then
  echo "(skipped: needs the corpus, ../shared/corpus or \$SIGHTLINE_CORPUS)"
  exit 0
fi
command -v jq >/dev/null || { echo "(skipped: needs jq)"; exit 0; }
now() { date +%s.%N; }
LUND=$CORPUS/photos/multiview_gps/opensfm_lund
REFS=$WORK/refs
rm -rf "$REFS"
mkdir -p "$REFS/lund" "$REFS/other"
QUERIES=""
for v in $(seq -w 1 29); do
  case $v in
    01 | 07 | 13 | 19 | 25) ln -s "$LUND/$v.jpg" "$REFS/lund/$v.jpg" ;;
    *) QUERIES="$QUERIES $LUND/$v.jpg" ;;
  esac
done
for f in "$CORPUS"/photos/multiview_gps/opensfm_berlin/*.jpg "$CORPUS"/photos/exif_cameras/*.jpg \
  "$CORPUS"/photos/gps/*.jpg "$CORPUS"/photos/gps/*.JPG "$CORPUS"/photos/gps/*.HEIC; do
  [ -f "$f" ] && ln -s "$f" "$REFS/other/$(basename "$(dirname "$f")")_$(basename "$f")"
done
NREFS=$(find "$REFS" -type l | wc -l)

# Right: a Lund reference at most 3 views from the query; wrong: any other.
score() {  # json-file label
  jq -r '(if type == "array" then . else [.] end)[] |
    [(.file | capture("(?<v>[0-9]+)\\.jpg$").v), (.position.reference // "-"), .seconds] | @tsv' \
    "$1" > "$WORK/score.tsv"
  times=$(cut -f3 "$WORK/score.tsv" | sort -g |
    awk '{ t[++n] = $1 } END { printf "median %.2f s, max %.2f s", t[int((n + 1) / 2)], t[n] }')
  awk -v label="$2" -v times="$times" -F'\t' '
    { n++
      if ($2 == "-") next
      located++
      if ($2 ~ /^lund\/[0-9]+\.jpg$/) { r = substr($2, 6, 2) + 0; d = $1 - r; if (d < 0) d = -d
        near = 99; split("1 7 13 19 25", refs, " ")
        for (k in refs) { e = $1 - refs[k]; if (e < 0) e = -e; if (e < near) near = e }
        if (d <= near) right++; else wrong++ } else wrong++ }
    END { printf "  %-32s located %2d / %d, right %2d, wrong %d; query %s\n",
          label, located, n, right + 0, wrong + 0, times }' "$WORK/score.tsv"
}

t0=$(now)
"$SL" locate --json --index "$WORK/refs.index" --refs "$REFS" --wide 0 $QUERIES \
  > "$WORK/direct.json" 2> "$WORK/direct.err" || true
t1=$(now)
printf '  %d references (5 Lund views, %d others), 24 Lund queries 1-3 steps from one (29: 4)\n' \
  "$NREFS" "$((NREFS - 5))"
printf '  (first run builds the index: %s s in all)\n' \
  "$(awk -v a="$t1" -v b="$t0" 'BEGIN { printf "%.1f", a - b }')"
score "$WORK/direct.json" "direct test only (--wide 0)"
"$SL" locate --json --index "$WORK/refs.index" --refs "$REFS" $QUERIES \
  > "$WORK/wide.json" 2> "$WORK/wide.err" || true
score "$WORK/wide.json" "with wide baseline (--wide 3)"
jq -r '(if type == "array" then . else [.] end)[] | select(.located) |
  .candidates[0] | select(.stage != "direct") | .stage' "$WORK/wide.json" | sort | uniq -c |
  awk '{ printf "    answered by the %s stage: %d\n", $2, $1 }'
jq -r '(if type == "array" then . else [.] end)[] | select(.wide_tested > 0 and (.located | not)) |
  .seconds' "$WORK/wide.json" | sort -g | awk '{ t[++n] = $1 } END { if (n) printf "    not located after the wide test: %d queries, median %.2f s\n", n, t[int((n + 1) / 2)] }'

# Text: the cost of --ref-text per reference.
"$SL" locate --json --ref-text --refs "$REFS" "$LUND/02.jpg" > "$WORK/text_corpus.json" \
  2> "$WORK/text_corpus.err" || true
printf '  --ref-text on these %d references: %s\n' "$NREFS" \
  "$(grep -o 'read the text.*' "$WORK/text_corpus.err" | head -1)"
printf '    words read in Lund query 02: %s\n' "$(jq -c '.query_words' "$WORK/text_corpus.json")"
N=${LOCATE_BENCH_PICTURES:-200}
GEN=$WORK/generated
mkdir -p "$GEN"
i=0
while [ $i -lt "$N" ]; do
  f=$GEN/$(printf 'gen_%05d.jpg' $i)
  if [ ! -f "$f" ]; then
    # Busy pictures like bench/scene's distractors: a fractal at a place of its own.
    ffmpeg -nostdin -y -loglevel error -f lavfi \
      -i "mandelbrot=s=320x240:start_scale=$(awk -v i=$i 'BEGIN { printf "%.4f", 0.05 + (i % 37) * 0.01 }'):start_x=-0.7$((i % 10)):start_y=0.$((i % 7))2" \
      -frames:v 1 -pix_fmt gray "$f"
  fi
  i=$((i + 1))
done
t0=$(now)
"$SL" locate --json --refs "$GEN" "$LUND/02.jpg" > /dev/null 2>&1 || true
t1=$(now)
"$SL" locate --json --ref-text --refs "$GEN" "$LUND/02.jpg" > /dev/null 2> "$WORK/text_gen.err" || true
t2=$(now)
awk -v a="$t0" -v b="$t1" -v c="$t2" -v n="$N" 'BEGIN {
  plain = b - a; text = c - b
  printf "  %d generated 320x240 pictures: index + one query %.1f s, with --ref-text %.1f s (%.0f ms more per reference)\n", n, plain, text, 1000 * (text - plain) / n
  printf "    so 10,000 such references: about %.0f min more for the index build (2 threads)\n", (text - plain) / n * 10000 / 60 }'
printf '    %s\n' "$(grep -o 'read the text.*' "$WORK/text_gen.err" | head -1)"
