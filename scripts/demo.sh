#!/bin/bash
# The main job on bundled samples: ingest into a new case (with a duplicate and a damaged file),
# list, probe a file with GPS, fingerprint every item, match them, analyze the case into findings
# and decide on one, find the shots of a clip and draw its contact sheet, verify the case, export
# a bundle and verify it with no case.
# Everything is written under build/demo/; your own signing key is not touched.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SIGHTLINE=$(cd "$(dirname "${1:-build/sightline}")" && pwd)/$(basename "${1:-build/sightline}")
DEMO=$ROOT/build/demo
rm -rf "$DEMO"
mkdir -p "$DEMO/incoming"
export SIGHTLINE_KEY_DIR="$DEMO/keys"
export SIGHTLINE_ACTOR="demo@sightline"

step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }
# Keep a transcript (scripts/update-readme-examples.py refreshes the README from it).
exec > >(tee "$DEMO/demo.log") 2>&1

# A phone-style clip with a QuickTime location tag, made from FFmpeg's test sources.
ffmpeg -nostdin -loglevel error -y -f lavfi -i testsrc2=size=640x360:rate=30:duration=3 \
  -f lavfi -i sine=frequency=440:duration=3 -c:v libx264 -preset veryfast -pix_fmt yuv420p \
  -c:a aac -metadata location=+50.4501+030.5234/ -metadata creation_time=2026-11-24T05:42:10Z \
  -movflags +faststart "$DEMO/incoming/phone_clip.mov"
cp "$ROOT"/samples/*.mp4 "$ROOT"/samples/*.jpg "$DEMO/incoming/"
# The same footage re-posted under another name, and a download cut short.
cp "$ROOT/samples/bikes.mp4" "$DEMO/incoming/bikes_reupload.mp4"
head -c 200000 "$ROOT/samples/bottle-detection.mp4" > "$DEMO/incoming/partial_download.mp4"
# A re-post of part of that footage: 4 s, mirrored, smaller, re-encoded.
ffmpeg -nostdin -loglevel error -y -ss 2 -t 4 -i "$ROOT/samples/bikes.mp4" -an \
  -vf hflip,scale=320:-2 -c:v libx264 -preset veryfast -crf 30 -pix_fmt yuv420p \
  "$DEMO/incoming/bikes_mirrored_excerpt.mp4"

cd "$DEMO"

step 'sightline ingest --case case --source "demo: samples" incoming'
"$SIGHTLINE" ingest --case case --source "demo: samples" incoming || true

step sightline list --case case
"$SIGHTLINE" list --case case

step sightline probe incoming/mapillary_adobe_coords.jpg incoming/phone_clip.mov
"$SIGHTLINE" probe incoming/mapillary_adobe_coords.jpg incoming/phone_clip.mov

step sightline show --case case bikes.mp4
"$SIGHTLINE" show --case case bikes.mp4

step sightline hash --case case
"$SIGHTLINE" hash --case case

step sightline match --case case
"$SIGHTLINE" match --case case

step sightline analyze --case case
"$SIGHTLINE" analyze --case case

step sightline findings --case case
"$SIGHTLINE" findings --case case

step 'sightline accept --case case --reason "same riders, same street, mirrored" 1'
"$SIGHTLINE" accept --case case --reason "same riders, same street, mirrored" 1

step sightline places --case case
"$SIGHTLINE" places --case case

step 'sightline claim add --case case --confidence likely --supports finding:1 "…"'
"$SIGHTLINE" claim add --case case --confidence likely --supports finding:1 \
  "bikes_mirrored_excerpt.mp4 is a mirrored re-post of part of bikes.mp4"

step sightline timeline --case case
"$SIGHTLINE" timeline --case case

step sightline report --case case -o report
"$SIGHTLINE" report --case case -o report

step sightline redact report -o report-redacted
"$SIGHTLINE" redact report -o report-redacted

step sightline hash incoming/bikes.mp4
"$SIGHTLINE" hash incoming/bikes.mp4

step sightline shots incoming/bikes.mp4
"$SIGHTLINE" shots incoming/bikes.mp4

step sightline sheet incoming/bikes.mp4 -o bikes-sheet.jpg
"$SIGHTLINE" sheet incoming/bikes.mp4 -o bikes-sheet.jpg

step sightline verify --case case
"$SIGHTLINE" verify --case case

step sightline export --case case -o bundle.zip
"$SIGHTLINE" export --case case -o bundle.zip

step sightline verify --bundle bundle.zip
"$SIGHTLINE" verify --bundle bundle.zip

printf '\nDemo case: %s (explore it with the commands above)\n' "$DEMO/case"
printf 'Report: %s (faces blurred: %s)\n' "$DEMO/report/report.html" \
  "$DEMO/report-redacted/report.html"
