#!/bin/sh
# Text-in-the-picture benchmark (called by bench/run.sh): OCR frames per second at 720p and 1080p
# (Tesseract's OpenMP threads as shipped, and limited to one), character error rate on generated
# pictures of known text in English, Ukrainian and Russian at four letter sizes under clean,
# noisy, busy-background, rotated and perspective conditions, `sightline text` end to end on a
# held caption, and what it reads in a few corpus files (when ../shared/corpus is there).
#
#   bench/text/run.sh BUILD WORK        (BENCH_TEXT_VERBOSE=1 prints every reading)
set -eu
BUILD=$1
WORK=$2/text
HERE=$(cd "$(dirname "$0")" && pwd)
CORPUS=${CORPUS:-$HERE/../../../shared/corpus}
FONT=/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf
mkdir -p "$WORK"
printf '\nText in the picture (analysis/text: Tesseract LSTM, sparse text)\n'
if [ ! -x "$BUILD/sightline_text_bench" ]; then
  echo "(skipped: $BUILD/sightline_text_bench not built; re-run cmake after adding bench/text)"
  exit 0
fi
ff() { ffmpeg -nostdin -y -loglevel error "$@"; }

# Speed: a caption and a sign over a busy test pattern.
for size in 1280x720 1920x1080; do
  h=${size#*x}
  ff -f lavfi -i "testsrc2=s=$size:d=1" -vf "drawtext=fontfile=$FONT:text='Київ вул. Хрещатик 22':fontsize=$((h / 18)):fontcolor=white:box=1:boxcolor=black@0.6:x=40:y=h-2*th,drawtext=fontfile=$FONT:text='PHARMACY':fontsize=$((h / 12)):fontcolor=yellow:borderw=3:x=w/2:y=th" \
    -frames:v 1 "$WORK/speed_$h.png"
done
"$BUILD/sightline_text_bench" --runs "${BENCH_TEXT_RUNS:-5}" --speed "$WORK/speed_720.png" \
  --speed "$WORK/speed_1080.png"
echo "(with OMP_THREAD_LIMIT=1: Tesseract's OpenMP limited to one thread)"
OMP_THREAD_LIMIT=1 "$BUILD/sightline_text_bench" --runs "${BENCH_TEXT_RUNS:-5}" \
  --speed "$WORK/speed_720.png" --speed "$WORK/speed_1080.png" | grep OCR

# Accuracy: one line of known text per 1280x720 picture.
MANIFEST=$WORK/manifest.tsv
: > "$MANIFEST"
n=0
add() {  # lang size condition text background extra-filters
  n=$((n + 1))
  out="$WORK/p$n.png"
  style="fontcolor=white"
  [ "$3" = busy ] && style="fontcolor=white:borderw=2:bordercolor=black"
  vf="drawtext=fontfile=$FONT:text='$4':fontsize=$2:$style:x=60:y=(h-th)/2"
  [ -n "$6" ] && vf="$vf,$6"
  ff -f lavfi -i "$5" -vf "$vf" -frames:v 1 "$out"
  printf '%s\t%s\t%s\t%s\t%s\n' "$out" "$1" "$2" "$3" "$4" >> "$MANIFEST"
}
PLAIN="color=c=0x2a4d69:s=1280x720:d=1"
BUSY="mandelbrot=s=1280x720:end_scale=0.3:start_scale=0.2"
while IFS='|' read -r lang text; do
  for size in 12 18 28 48; do
    add "$lang" $size clean "$text" "$PLAIN" ""
    add "$lang" $size noisy "$text" "$PLAIN" "noise=alls=40:allf=u,gblur=sigma=1.2"
    add "$lang" $size busy "$text" "$BUSY" ""
  done
  for size in 28 48; do
    add "$lang" $size rot10 "$text" "$PLAIN" "rotate=10*PI/180:fillcolor=0x2a4d69"
    add "$lang" $size persp "$text" "$PLAIN" \
      "perspective=x0=0:y0=0:x1=W:y1=H*0.2:x2=0:y2=H:x3=W:y3=H*0.8:sense=destination"
    add "$lang" $size low "$text" "$PLAIN" "scale=320:180,scale=1280:720"
  done
done <<'TEXTS'
eng|Central Station open 24 hours
eng|Pharmacy and Grocery Store
eng|Exit to Victoria Street
ukr|Київ вул. Хрещатик 22
ukr|Аптека цілодобово
ukr|Вихід до метро Майдан Незалежності
rus|Москва ул. Тверская 15
rus|Продукты круглосуточно
rus|Выход к метро Площадь Революции
TEXTS
verbose=""
[ "${BENCH_TEXT_VERBOSE:-0}" = 1 ] && verbose="--verbose"
"$BUILD/sightline_text_bench" --manifest "$MANIFEST" $verbose | grep -v '^load models'

# End to end: a caption held from 2 s to 5 s in a 10 s 1080p clip, sampled every second.
ff -f lavfi -i "testsrc2=s=1920x1080:r=25:d=10" -vf "drawtext=fontfile=$FONT:text='Київ вул. Хрещатик':fontsize=60:fontcolor=white:box=1:boxcolor=black@0.6:x=60:y=h-120:enable='between(t,2,5)'" \
  -c:v libx264 -preset veryfast -pix_fmt yuv420p "$WORK/caption.mp4"
t0=$(date +%s.%N)
"$BUILD/sightline" text --json "$WORK/caption.mp4" > "$WORK/caption.json"
t1=$(date +%s.%N)
printf '%-52s %9.2f s   %s\n' "sightline text, 10 s 1080p clip (moving pattern)" \
  "$(awk -v a="$t1" -v b="$t0" 'BEGIN { print a - b }')" \
  "$(tr -d '\n ' < "$WORK/caption.json" | grep -o '"text":"[^"]*","confidence":[0-9.]*' | head -3 | tr '\n' ' ')"
grep -o '"t": [0-9.]*\|"end": [0-9.]*' "$WORK/caption.json" | tr '\n' ' '
echo

# Corpus: what it reads in real footage.
if [ -d "$CORPUS" ]; then
  echo "Corpus files (../shared/corpus):"
  for f in photos/gps/mapillary_DSC00001.JPG photos/gps/mapillary_DSC00497.JPG \
    photos/gps/exifsamples_IMG_5195_iphone.HEIC photos/exif_cameras/commons_Nikon_D70.jpg \
    video/natural/intel_car-detection.mp4 video/natural_gif/intel_store-aisle-detection.gif \
    video/natural/samplelib_sample-5s.mp4; do
    [ -e "$CORPUS/$f" ] || continue
    t0=$(date +%s.%N)
    "$BUILD/sightline" text "$CORPUS/$f" 2>&1 | sed -n '2,12p' | sed "s|^|  |"
    t1=$(date +%s.%N)
    printf '  %s: %.1f s\n' "$f" "$(awk -v a="$t1" -v b="$t0" 'BEGIN { print a - b }')"
  done
fi
