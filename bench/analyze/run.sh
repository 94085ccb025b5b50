#!/bin/sh
# `sightline analyze` benchmark (called by bench/run.sh, section "Analyze a case"): the natural
# clips of the corpus (video/natural/*.mp4; without the corpus, six generated clips with sound)
# are ingested into a fresh case and analysed with 2 threads; each stage's wall time (from
# `analyze --json`) and the whole run's wall and CPU time are printed beside a bare decode of the
# same files, one after the other on one thread (`ffmpeg -threads 1 -f null`: what decoding
# alone costs), a second run over the unchanged case, which must decode nothing, and a run after
# one more clip is ingested, which must decode only that clip.
#
#   bench/analyze/run.sh BUILD WORK
set -eu
BUILD=$1
WORK=$2/analyze
SIGHTLINE=$BUILD/sightline
HERE=$(dirname "$0")
CORPUS=${SIGHTLINE_CORPUS:-$HERE/../../../shared/corpus}
rm -rf "$WORK"
mkdir -p "$WORK/clips"
printf '\nAnalyze a case (sightline analyze --case, 2 threads)\n'
if [ -d "$CORPUS/video/natural" ]; then
  cp "$CORPUS"/video/natural/*.mp4 "$WORK/clips/"
  what="the corpus's video/natural clips"
else
  k=0
  while [ $k -lt 6 ]; do
    ffmpeg -nostdin -loglevel error -y -f lavfi -i "testsrc2=s=1280x720:r=30:d=20" \
      -f lavfi -i "sine=frequency=$((300 + 100 * k)):duration=20" -vf "hue=h=$((k * 50))" \
      -c:v libx264 -preset veryfast -pix_fmt yuv420p -c:a aac "$WORK/clips/gen$k.mp4"
    k=$((k + 1))
  done
  what="six generated 720p clips (no corpus)"
fi
n=$(ls "$WORK/clips" | wc -l)
size=$(du -sm "$WORK/clips" | cut -f1)
echo "$n files, $size MB: $what"

measure() {  # prints "wall_s cpu_s peak_kib"
  /usr/bin/time -f "%e %U %S %M" -o "$WORK/time.txt" sh -c "$1" >/dev/null 2>&1 || true
  awk '{ printf "%s %.2f %s", $1, $2 + $3, $4 }' "$WORK/time.txt"
}
set -- $(measure "for f in $WORK/clips/*; do ffmpeg -nostdin -loglevel error -threads 1 -i \$f -f null -; done")
dec_wall=$1 dec_cpu=$2
"$SIGHTLINE" ingest --case "$WORK/case" "$WORK/clips" >/dev/null 2>&1 || true
/usr/bin/time -f "%e %U %S %M" -o "$WORK/time.txt" \
  "$SIGHTLINE" analyze --case "$WORK/case" --threads 2 --json > "$WORK/first.json" 2>/dev/null || true
set -- $(awk '{ printf "%s %.2f %s", $1, $2 + $3, $4 }' "$WORK/time.txt")
an_wall=$1 an_cpu=$2 an_mem=$3
set -- $(measure "$SIGHTLINE analyze --case $WORK/case --json > $WORK/second.json")
again_wall=$1
# One clip more (a shorter, smaller re-encode of the first): only it should be decoded.
first_clip=$(ls "$WORK"/clips/* | head -1)
ffmpeg -nostdin -loglevel error -y -i "$first_clip" -t 8 -vf "scale=640:-2" -c:v libx264 \
  -preset veryfast -pix_fmt yuv420p -c:a aac "$WORK/extra.mp4"
"$SIGHTLINE" ingest --case "$WORK/case" "$WORK/extra.mp4" >/dev/null 2>&1 || true
set -- $(measure "$SIGHTLINE analyze --case $WORK/case --json > $WORK/third.json")
more_wall=$1

printf '%-28s %8s %8s %10s\n' "" "wall s" "CPU s" "CPU/decode"
printf '%-28s %8s %8s %10s\n' "ffmpeg decode, 1 thread" "$dec_wall" "$dec_cpu" "1.00"
printf '%-28s %8s %8s %10s   peak %s MiB\n' "analyze, all stages" "$an_wall" "$an_cpu" \
  "$(awk -v a="$an_cpu" -v b="$dec_cpu" 'BEGIN { printf "%.2f", a / b }')" "$((an_mem / 1024))"
jq -r '.stages[] | "  \(.stage)\t\(.seconds)\t\(.extracted) decoded, \(.compared) pairs, \(.new_findings) findings"' \
  "$WORK/first.json" | awk -F'\t' '{ printf "%-28s %8s %8s %10s   %s\n", $1, $2, "", "", $3 }'
printf '%-28s %8s %8s %10s   %s\n' "second run (nothing new)" "$again_wall" "" "" \
  "$(jq -r '[.stages[].extracted] | add | "\(.) decoded"' "$WORK/second.json")"
printf '%-28s %8s %8s %10s   %s\n' "one more clip (a copy)" "$more_wall" "" "" \
  "$(jq -r '[.stages[] | "\(.stage) \(.extracted)"] | join(", ") | "decoded: \(.)"' "$WORK/third.json"), $(jq -r '[.stages[].new_findings] | add' "$WORK/third.json") findings"
echo "(goal: analyze without the place stage within ~1.5x of decode CPU; the second run decodes nothing)"
rm -rf "$WORK"
