#!/usr/bin/env bash
# Regenerates the seed corpora under fuzz/corpus/NAME/ from nothing but FFmpeg's test sources,
# a few hand-written inputs and a throwaway case (no third-party media). The committed seeds are
# this script's output; run it again only to change them:
#   fuzz/make_corpus.sh build/sightline
set -euo pipefail
sightline=$(realpath "${1:?usage: fuzz/make_corpus.sh PATH/TO/sightline}")
cd "$(dirname "$0")"
rm -rf corpus && mkdir -p corpus/{metadata,bmff,gpmf,gpx,coords,custody,bundle,media,api}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
ff() { ffmpeg -nostdin -y -loglevel error "$@"; }

# The server's request handling (fuzz/api_fuzz.cc): the first byte picks JSON body (0), path
# parameter (1) or upload operations (2).
printf '\000{"user":"desk","password":"x","size":12,"reason":"same street"}' > corpus/api/json
printf '\001123' > corpus/api/id
printf '\001report-2026.html' > corpus/api/name
printf '\002\000\000\040\005clip1\002\000\000\004abcd\004' > corpus/api/upload

# Media: the smallest files of each kind FFmpeg writes.
ff -f lavfi -i testsrc2=size=16x16 -frames:v 1 corpus/media/still.png
ff -f lavfi -i testsrc2=size=16x16 -frames:v 1 corpus/media/still.jpg
ff -f lavfi -i testsrc2=size=16x16 -frames:v 1 corpus/media/still.gif
ff -f lavfi -i testsrc2=size=16x16 -frames:v 1 corpus/media/still.bmp
ff -f lavfi -i testsrc2=size=32x32:rate=10:duration=0.3 -c:v libx264 -preset ultrafast \
   -pix_fmt yuv420p -metadata location=+50.4501+030.5234/ corpus/media/clip.mov
ff -f lavfi -i testsrc2=size=32x32:rate=10:duration=0.3 -c:v mpeg4 corpus/media/clip.mkv
ff -f lavfi -i sine=duration=0.1:sample_rate=8000 corpus/media/tone.wav
cp corpus/media/clip.mov corpus/bmff/
ff -f lavfi -i testsrc2=size=32x32:rate=10:duration=0.2 -c:v libx264 -preset ultrafast \
   -pix_fmt yuv420p -movflags +faststart corpus/bmff/faststart.mp4
ff -f lavfi -i sine=duration=0.1 -c:a aac corpus/bmff/tone.m4a
cp corpus/media/still.jpg corpus/metadata/

python3 - <<'PY'
import struct
# EXIF (TIFF, little-endian): IFD0 with Make, Model, DateTime, an Exif IFD and a GPS IFD.
def ifd(entries, next_ifd, base):
    out, data = struct.pack('<H', len(entries)), b''
    data_at = base + 2 + 12 * len(entries) + 4
    for tag, typ, count, value in entries:
        if isinstance(value, bytes) and len(value) > 4:
            out += struct.pack('<HHII', tag, typ, count, data_at + len(data)); data += value
        elif isinstance(value, bytes):
            out += struct.pack('<HHI', tag, typ, count) + value.ljust(4, b'\0')
        else:
            out += struct.pack('<HHII', tag, typ, count, value)
    return out + struct.pack('<I', next_ifd) + data
rat = lambda *v: b''.join(struct.pack('<II', n, d) for n, d in v)
gps = ifd([(1, 2, 2, b'N\0'), (2, 5, 3, rat((50, 1), (27, 1), (36, 100))), (3, 2, 2, b'E\0'),
           (4, 5, 3, rat((30, 1), (31, 1), (2424, 100)))], 0, 200)
exif = ifd([(0x9003, 2, 20, b'2024:05:01 10:00:00\0')], 0, 150)
ifd0 = ifd([(0x010F, 2, 6, b'Maker\0'), (0x0110, 2, 6, b'Phone\0'),
            (0x0132, 2, 20, b'2024:05:01 10:00:00\0'), (0x8769, 4, 1, 150), (0x8825, 4, 1, 200)],
           0, 8)
tiff = b'II*\0' + struct.pack('<I', 8) + ifd0
tiff = tiff.ljust(150, b'\0') + exif
tiff = tiff.ljust(200, b'\0') + gps
jpeg = open('corpus/metadata/still.jpg', 'rb').read()
app1 = b'Exif\0\0' + tiff
open('corpus/metadata/exif.jpg', 'wb').write(jpeg[:2] + b'\xff\xe1' + struct.pack('>H', len(app1) + 2) + app1 + jpeg[2:])
open('corpus/metadata/looping.jpg', 'wb').write(jpeg[:2] + b'\xff\xe1' + struct.pack('>H', 6 + 8 + 18 + 2) +
    b'Exif\0\0II*\0\x08\0\0\0\x01\0\x69\x87\x04\0\x01\0\0\0\x08\0\0\0\x08\0\0\0' + jpeg[2:])
open('corpus/metadata/packet.xmp', 'w').write(
    '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    '<rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/" xmlns:xmp="http://ns.adobe.com/xap/1.0/" '
    'exif:GPSLatitude="50,27.006N" exif:GPSLongitude="30,31.404E" xmp:CreatorTool="Editor 1.0"/>'
    '</rdf:RDF></x:xmpmeta>')

# GPMF payloads (GoPro's KLV layout: key, type, struct size, 16-bit repeat, data padded to 4).
def klv(key, typ, size, repeat, data):
    b = key + bytes([typ, size]) + struct.pack('>H', repeat) + data
    return b + b'\0' * (-len(b) % 4)
def nest(key, children):
    body = b''.join(children)
    return klv(key, 0, 4, len(body) // 4, body)
gps5 = b''.join(struct.pack('>5i', int(50.45 * 1e7) + i, int(30.52 * 1e7), 120000, 7150, 7200) for i in range(5))
strm = nest(b'STRM', [klv(b'STNM', ord('c'), 1, 13, b'GPS (Lat.,...'), klv(b'GPSF', ord('L'), 4, 1, struct.pack('>I', 3)),
                      klv(b'GPSU', ord('U'), 16, 1, b'240501100000.000'), klv(b'GPSP', ord('S'), 2, 1, struct.pack('>H', 110)),
                      klv(b'SCAL', ord('l'), 4, 5, struct.pack('>5i', 10000000, 10000000, 1000, 1000, 100)),
                      klv(b'GPS5', ord('l'), 20, 5, gps5)])
open('corpus/gpmf/gps5.bin', 'wb').write(nest(b'DEVC', [klv(b'DVID', ord('L'), 4, 1, struct.pack('>I', 1)), strm]))
gps9 = struct.pack('>7i2HH', int(50.45e7), int(30.52e7), 120000, 7150, 7200, 8888, 36000000, 110, 3, 0)[:36]
strm9 = nest(b'STRM', [klv(b'TYPE', ord('c'), 1, 9, b'lllllllSS'),
                       klv(b'SCAL', ord('l'), 4, 9, struct.pack('>9i', 10000000, 10000000, 1000, 1000, 100, 1, 1000, 100, 1)),
                       klv(b'GPS9', ord('?'), 36, 1, gps9)])
open('corpus/gpmf/gps9.bin', 'wb').write(nest(b'DEVC', [strm9]))

gpx = ('<?xml version="1.0"?><gpx version="1.1" creator="seed"><wpt lat="50.1" lon="30.2"><name>w</name></wpt>'
       '<rte><rtept lat="50.1" lon="30.2"/></rte><trk><trkseg>' +
       ''.join(f'<trkpt lat="50.{i}" lon="30.{i}"><ele>{100+i}</ele><time>2024-05-01T10:00:0{i}Z</time></trkpt>' for i in range(5)) +
       '</trkseg></trk></gpx>')
open('corpus/gpx/track.gpx', 'w').write(gpx)
open('corpus/gpx/gpx10.gpx', 'w').write('<?xml version="1.0"?><gpx version="1.0"><trk><trkseg><trkpt lat="-33.85" lon="151.21"><time>2024-01-01T00:00:00.5+02:00</time></trkpt></trkseg></trk></gpx>')

for i, s in enumerate(['50.4501, 30.5234', 'N 50 27.006 E 30 31.404', '36UUA2418291607', '36U 324182 5591608',
                       '+50.4501+030.5234/', '+504527.0+0303124.2+123.4CRSWGS_84/',
                       '33\u00b051\'24.5"S 151\u00b012\'55.1"E', '-33.8568 151.2153', '50\u00b027\'N, 30\u00b031\'E']):
    open(f'corpus/coords/{i}.txt', 'w').write(s)
PY

# Custody log and bundle: a throwaway case with one generated picture, exported.
export SIGHTLINE_KEY_DIR=$work/keys SIGHTLINE_ACTOR=seed@fuzz
ff -f lavfi -i testsrc2=size=8x8 -frames:v 1 "$work/dot.png"
"$sightline" ingest --case "$work/case" "$work/dot.png" >/dev/null 2>&1
"$sightline" export --case "$work/case" -o corpus/bundle/bundle.zip >/dev/null 2>&1
unzip -p corpus/bundle/bundle.zip custody.jsonl > corpus/custody/custody.jsonl
head -n 1 corpus/custody/custody.jsonl > corpus/custody/first.jsonl
ls corpus/* | head -100 >/dev/null
du -sh corpus
