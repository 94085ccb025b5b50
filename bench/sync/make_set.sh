#!/bin/sh
# Makes the sync benchmark's test set (bench/sync/run.sh) once, into BUILD/sync-set/:
#
#   pairs/   degraded pairs with known offsets (pairs.tsv: id, a, b, offset_s or "none", drift_ppm,
#            what): cut from real recordings of the corpus (a BBC broadcast, a rocket launch, a
#            GoPro on a drone, a radio excerpt), from a mix of the broadcast with a
#            street scene, and from long generated scenes (12 and 3 minutes: speech, street, music,
#            traffic beds with shots and blasts; sync_bench scene). Each side gets its own
#            "device": microphone colour and level, a far microphone in a room (echoes), noise,
#            clipping, low-bitrate AAC/Opus/MP3/Vorbis, 8 kHz mono against 48 kHz 5.1, 44.1 and
#            16 kHz, an excerpt of the other, clock drift (the sample rate relabelled by -104 and
#            +146 ppm over 11-12 minutes). Plus pairs that share no sound (same speaker, same
#            scene, different scenes): they must give no pair.
#   clips/   50 one-minute clips (clips.tsv: file, master, start_s, duration_s) cut at random
#            times from four 5-minute scenes (so they overlap in groups) and ten from a 700 s scene
#            spaced so that none overlaps another, each through one of six device chains.
#
# Offsets are exact: every cut starts on a whole sample of the 48 kHz master (times in ms).
#
#   bench/sync/make_set.sh BUILD [CORPUS]     (SET_VERSION in this file remakes everything)
set -eu
BUILD=$1
CORPUS=${2:-${SIGHTLINE_CORPUS:-$(dirname "$0")/../../../shared/corpus}}
SET=$BUILD/sync-set
SET_VERSION=1
HERE=$(dirname "$0")
SRC=$HERE/../../src
if [ "$(cat "$SET/version" 2>/dev/null)" = "$SET_VERSION" ]; then exit 0; fi
for f in audio/sync/bbc_timbl/timbl_1.mp3 audio/sync/bbc_r4/r4_excerpt2.ogg \
         video/neardup/nasa_rocket/rocket_vp8_vorbis_v1.webm video/gps_telemetry/gopro_karma_gpmf.mp4; do
  [ -f "$CORPUS/$f" ] || { echo "(sync set: $CORPUS/$f is missing)"; exit 1; }
done
echo "(making the sync test set in $SET, once: a few minutes)"
rm -rf "$SET/pairs" "$SET/clips" "$SET/version"
mkdir -p "$SET/src" "$SET/pairs" "$SET/clips"  # src/ (masters) survives an interrupted run
B=$BUILD/sync_bench
[ "$B" -nt "$HERE/sync_bench.cc" ] || ${CXX:-c++} -std=c++20 -O2 -I "$SRC" -o "$B" \
  "$HERE/sync_bench.cc" "$SRC/analysis/events/scene_synth.cc" "$SRC/analysis/events/shooter_distance.cc"

ff() { ffmpeg -nostdin -loglevel error -y "$@"; }
# master NAME INPUT: mono 48 kHz float WAV (kept until the set is complete).
master() {
  [ -s "$SET/src/$1.wav" ] || ff -i "$2" -vn -ac 1 -ar 48000 -c:a pcm_f32le "$SET/src/$1.wav"
}
master T "$CORPUS/audio/sync/bbc_timbl/timbl_1.mp3"
master R4 "$CORPUS/audio/sync/bbc_r4/r4_excerpt2.ogg"
master R "$CORPUS/video/neardup/nasa_rocket/rocket_vp8_vorbis_v1.webm"
master G "$CORPUS/video/gps_telemetry/gopro_karma_gpmf.mp4"
scene() { [ -s "$SET/src/$1.wav" ] || $B scene "$SET/src/$1.wav" "$2" "$3" "$4"; }
scene L1 11 720 speech
scene L2 12 180 music
scene S 13 48 street
# The broadcast with a street scene under it (6 dB down).
[ -s "$SET/src/TM.wav" ] || ff -i "$SET/src/T.wav" -i "$SET/src/S.wav" -filter_complex \
  "[1:a]volume=-6dB[s];[0:a][s]amix=inputs=2:duration=first:normalize=0" -c:a pcm_f32le \
  "$SET/src/TM.wav"

# Device chains (filters on the mono master) and encoders.
MIC_A="highpass=f=120,lowpass=f=9000,volume=-4dB"
MIC_FAR="highpass=f=300,lowpass=f=5500,equalizer=f=2000:t=q:w=1.2:g=8,aecho=0.9:0.8:17|29|43:0.4|0.3|0.2,volume=-12dB"
PHONE="highpass=f=400,lowpass=f=3800,equalizer=f=1200:t=q:w=1:g=6"
CLIP="volume=18dB,asoftclip=type=hard"
TO_8K="aresample=8000"
TO_51="pan=5.1|FL=c0|FR=0.9*c0|FC=0.7*c0|LFE=0.3*c0|BL=0.5*c0|BR=0.5*c0"
AAC32="-c:a aac -b:a 32k" AAC64="-c:a aac -b:a 64k" AAC192="-c:a aac -b:a 192k"
OPUS12="-c:a libopus -b:a 12k" OPUS16="-c:a libopus -b:a 16k" OPUS24="-c:a libopus -b:a 24k"
MP3_16="-c:a libmp3lame -b:a 16k" MP3_32="-c:a libmp3lame -b:a 32k" MP3_128="-c:a libmp3lame -b:a 128k"
VORBIS="-c:a libvorbis -q:a 0"

# cut MASTER START_S DURATION_S CHAIN NOISE ENCODER OUT: samples [start, start + duration) of the
# master through the chain, pink noise of amplitude NOISE (0: none) mixed in, then encoded.
seed=1
cut() {
  s0=$(awk -v t="$2" 'BEGIN { printf "%d", t * 48000 + 0.5 }')
  s1=$(awk -v t="$2" -v d="$3" 'BEGIN { printf "%d", (t + d) * 48000 + 0.5 }')
  graph="[0:a]atrim=start_sample=$s0:end_sample=$s1,asetpts=PTS-STARTPTS"
  [ -n "$4" ] && graph="$graph,$4"
  if [ "$5" != 0 ]; then
    seed=$((seed + 1))
    graph="$graph[s];anoisesrc=r=48000:c=pink:a=$5:seed=$seed[n];[s][n]amix=inputs=2:duration=first:normalize=0"
  fi
  # shellcheck disable=SC2086
  ff -i "$SET/src/$1.wav" -filter_complex "$graph[o]" -map "[o]" $6 "$7"
}

P=$SET/pairs
printf '# id\ta\tb\toffset_s\tdrift_ppm\twhat\n' > "$P/pairs.tsv"
# pair ID A-ARGS(6) B-ARGS(6) OFFSET DRIFT WHAT, where X-ARGS = MASTER START DUR CHAIN NOISE ENC
# and files are named ID_a.EXT / ID_b.EXT by the encoder's container.
ext() {
  case "$1" in *aac*) echo m4a ;; *opus*) echo opus ;; *mp3*) echo mp3 ;; *) echo ogg ;; esac
}
pair() {
  id=$1
  fa="$id"_a.$(ext "$7") fb="$id"_b.$(ext "${13}")
  cut "$2" "$3" "$4" "$5" "$6" "$7" "$P/$fa"
  cut "$8" "$9" "${10}" "${11}" "${12}" "${13}" "$P/$fb"
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$id" "$fa" "$fb" "${14}" "${15}" "${16}" >> "$P/pairs.tsv"
}
pair p01 T 0 48 "$MIC_A" 0 "$MP3_128" \
         T 7.317 32.5 "$MIC_FAR" 0.02 "$AAC32" 7.317 0 "broadcast: far mic+noise, AAC 32k"
pair p02 T 0 45 "$TO_8K" 0 "-ac 1 $MP3_16" \
         T 3.141 44.8 "$TO_51" 0 "$AAC192" 3.141 0 "broadcast: 8 kHz mono vs 48 kHz 5.1"
pair p03 T 0 48 "" 0 "$AAC64" \
         T 21.5 4 "$CLIP" 0 "$OPUS16" 21.5 0 "broadcast: 4 s excerpt, clipped, Opus 16k"
pair p04 TM 10 38 "$CLIP" 0 "$AAC32" \
         TM 0 30 "$PHONE" 0.01 "$OPUS12" -10 0 "mix: clipped AAC vs phone+noise Opus 12k"
pair p05 R 0 52 "" 0 "$VORBIS" \
         R 18.25 31.5 "$MIC_FAR" 0.02 "$MP3_32" 18.25 0 "rocket launch: far mic+noise, MP3 32k"
pair p06 G 0 12 "$MIC_A" 0 "$AAC64" \
         G 2.4 8.6 "$PHONE,aresample=44100" 0 "$MP3_32" 2.4 0 "drone (GoPro): phone 44.1 kHz MP3"
pair p07 R4 0 7.1 "" 0 "$OPUS16" \
         R4 1.9 4 "" 0.02 "$AAC32" 1.9 0 "radio: 4 s excerpt+noise, AAC 32k"
pair p08 L1 0 720 "" 0 "$AAC64" \
         L1 30.5 669.5 "$MIC_FAR,asetrate=47995,aresample=48000" 0.005 "$OPUS16" 30.5 -104.17 \
         "12 min speech scene: far mic, drift -104 ppm"
pair p09 L1 120 600 "$PHONE" 0 "$MP3_32" \
         L1 0 660 "asetrate=48007,aresample=48000,$CLIP" 0 "$AAC32" -120 145.83 \
         "12 min scene: phone vs clipped, drift +146 ppm"
pair p10 L2 0 180 "aresample=44100" 0 "$MP3_128" \
         L2 60.25 90 "aresample=16000,$CLIP" 0 "-ac 1 $AAC32" 60.25 0 "music scene: 44.1k vs 16k clipped"
pair n01 T 0 20 "$MIC_A" 0 "$AAC64" \
         T 25 23 "$MIC_FAR" 0 "$OPUS16" none 0 "no overlap: same speaker, same broadcast"
pair n02 L1 0 60 "" 0 "$AAC64" \
         L1 300 60 "$PHONE" 0 "$MP3_32" none 0 "no overlap: same scene 4 min apart"
pair n03 R 0 20 "" 0 "$AAC64" \
         G 0 12 "" 0 "$AAC64" none 0 "no overlap: rocket vs drone"
pair n04 L2 0 60 "" 0 "$OPUS24" \
         L1 400 60 "" 0 "$OPUS24" none 0 "no overlap: music scene vs speech scene"

# 50 one-minute clips.
scene M0 101 300 speech
scene M1 102 300 street
scene M2 103 300 music
scene M3 104 300 traffic
scene M4 105 700 speech
C=$SET/clips
printf '# file\tmaster\tstart_s\tduration_s\n' > "$C/clips.tsv"
k=0
for m in M0 M1 M2 M3 M4; do
  i=0
  while [ $i -lt 10 ]; do
    if [ $m = M4 ]; then  # spaced: no two overlap
      start=$(awk -v i=$i -v k=$k 'BEGIN { srand(k + 7); printf "%.3f", i * 70 + rand() * 8 }')
    else
      start=$(awk -v k=$k 'BEGIN { srand(k + 7); printf "%.3f", rand() * 240 }')
    fi
    case $((k % 6)) in
      0) chain=$MIC_A noise=0 enc=$AAC64 ;;
      1) chain=$MIC_FAR noise=0.01 enc=$OPUS16 ;;
      2) chain=$PHONE noise=0 enc=$MP3_32 ;;
      3) chain=$CLIP noise=0 enc=$AAC32 ;;
      4) chain=$TO_8K noise=0 enc="-ac 1 $MP3_16" ;;
      5) chain=$MIC_A noise=0.02 enc=$OPUS24 ;;
    esac
    f=clip_$(printf '%02d' $k).$(ext "$enc")
    cut $m "$start" 60 "$chain" $noise "$enc" "$C/$f"
    printf '%s\t%s\t%s\t60\n' "$f" $m "$start" >> "$C/clips.tsv"
    i=$((i + 1))
    k=$((k + 1))
  done
done
rm -rf "$SET/src"
echo $SET_VERSION > "$SET/version"
