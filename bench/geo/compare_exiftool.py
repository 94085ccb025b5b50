#!/usr/bin/env python3
"""Compares `sightline track --json CLIP` with exiftool's reading of the same GoPro clip.

exiftool (Image::ExifTool::GoPro) is an independent GPMF reader: it decodes GPS5 as GPSLatitude,
GPSLongitude, GPSAltitude, GPSSpeed, GPSSpeed3D and the Karma drone's GPRI as GPSLatitudeRaw...
(with -U), one value per sample in file order. Prints, per field, how many samples were compared
and the largest absolute difference; exits 1 when any differs by more than 1e-7 or the sample
counts differ.

    compare_exiftool.py CLIP SIGHTLINE_JSON
"""
import datetime
import json
import re
import subprocess
import sys


def main():
    clip, sl_path = sys.argv[1], sys.argv[2]
    sl = json.load(open(sl_path))
    raw = "GPRI" in sl["source"]
    suffix = "Raw" if raw else ""
    fields = [("GPSLatitude", "lat"), ("GPSLongitude", "lon"), ("GPSAltitude", "alt_m"),
              ("GPSSpeed", "speed_mps")]
    if not raw:
        fields.append(("GPSSpeed3D", "speed3d_mps"))
    tags = [a + suffix for a, _ in fields] + (["GPSDateTimeRaw"] if raw else [])
    out = subprocess.run(["exiftool", "-ee", "-U", "-n", "-G3", "-s"] + ["-" + t for t in tags] +
                         [clip], capture_output=True, text=True, check=False).stdout
    lists = {}
    for line in out.splitlines():
        m = re.match(r"\[(Doc\d+)\]\s+(\w+)\s*:\s*(.*)", line)
        if m:
            lists.setdefault(m.group(2), []).append(m.group(3))
    samples = sl["samples"]
    name = clip.rsplit("/", 1)[-1]
    print(f"  {name}: {sl['source']}, sightline {len(samples)} samples, exiftool "
          f"{len(lists.get(fields[0][0] + suffix, []))}")
    bad = len(lists.get(fields[0][0] + suffix, [])) != len(samples)
    for tag, key in fields:
        values = [float(v) for v in lists.get(tag + suffix, [])]
        diffs = [abs(v - s[key]) for v, s in zip(values, samples) if s.get(key) is not None]
        worst = max(diffs) if diffs else float("nan")
        bad = bad or not diffs or worst > 1e-7
        print(f"    {key:12s} {len(diffs):5d} compared, max |difference| {worst:.3g}")
    if raw and "GPSDateTimeRaw" in lists:
        diffs = []
        for v, s in zip(lists["GPSDateTimeRaw"], samples):
            if s.get("utc") is None:
                continue
            e = datetime.datetime.strptime(v[:26], "%Y:%m:%d %H:%M:%S.%f").replace(
                tzinfo=datetime.timezone.utc)
            o = datetime.datetime.strptime(s["utc"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(
                tzinfo=datetime.timezone.utc)
            diffs.append(abs((e - o).total_seconds()))
        if diffs:
            print(f"    {'utc':12s} {len(diffs):5d} compared, max |difference| "
                  f"{max(diffs) * 1000:.1f} ms")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
