#!/usr/bin/env python3
"""What two calibrated cameras of the corpus's video/multicam room can both see (doc/scene.md).

    bench/scene/multicam_geometry.py CORPUS/video/multicam/pose2sim_MultiPerson/Calib.qca.txt

Reads the Qualisys calibration (QCA XML: per camera a rotation r11..r33 whose rows are the
camera's axes in the room, the optical axis being minus the third row, and the position x, y, z in
mm; focal length and principal point in 1/64 pixel) and prints, for every camera pair: the angle
between the optical axes and between their bearings, whether each camera is in the other's picture
(they face each other), the share of the central floor (3 x 3 m around the origin, where the
treadmill stands) that both see, the share of the walls both see (walls modelled as a cylinder of
5.5 m radius around the origin, 0-2.5 m high: a rough stand-in for the room, whose plan the
calibration does not give), and the relative tilt and turn of the floor between the two pictures
at the centre (the squeeze SIFT must bridge there; ASIFT's simulated views cover tilts up to 4).
Plain Python, no third-party modules.
"""
import itertools
import math
import re
import sys

W, H = 1088, 1920  # picture size (portrait), pixels


def dot(a, b):
    return sum(x * y for x, y in zip(a, b))


def read_cameras(path):
    text = open(path, encoding="ascii").read()
    cams = {}
    for m in re.finditer(r'serial="(cam\d+)".*?<transform ([^/]*)/>.*?<intrinsic ([^/]*)/>',
                         text, re.S):
        t = dict(re.findall(r'(\w+)="([^"]*)"', m.group(2)))
        i = dict(re.findall(r'(\w+)="([^"]*)"', m.group(3)))
        rows = [[float(t["r%d%d" % (a, b)]) for b in (1, 2, 3)] for a in (1, 2, 3)]
        centre = [float(t[k]) for k in "xyz"]
        cams[m.group(1)] = (rows, centre, float(i["focalLengthU"]) / 64)
    return cams


def pixel(cam, point):
    """Picture coordinates relative to the centre, or None when not in the picture."""
    rows, centre, f = cam
    d = [p - c for p, c in zip(point, centre)]
    depth = -dot(rows[2], d)
    if depth <= 0:
        return None
    u, v = f * dot(rows[0], d) / depth, f * dot(rows[1], d) / depth
    return (u, v) if abs(u) <= W / 2 and abs(v) <= H / 2 else None


def floor_affine(ca, cb):
    """Relative tilt (singular value ratio) and turn (degrees) of the floor at the origin, A to B."""
    e = 10.0
    pa = [pixel(ca, (dx, dy, 0)) for dx, dy in ((0, 0), (e, 0), (0, e))]
    pb = [pixel(cb, (dx, dy, 0)) for dx, dy in ((0, 0), (e, 0), (0, e))]
    if None in pa or None in pb:
        return None
    da = [[pa[1][0] - pa[0][0], pa[2][0] - pa[0][0]], [pa[1][1] - pa[0][1], pa[2][1] - pa[0][1]]]
    db = [[pb[1][0] - pb[0][0], pb[2][0] - pb[0][0]], [pb[1][1] - pb[0][1], pb[2][1] - pb[0][1]]]
    det = da[0][0] * da[1][1] - da[0][1] * da[1][0]
    inv = [[da[1][1] / det, -da[0][1] / det], [-da[1][0] / det, da[0][0] / det]]
    j = [[sum(db[r][k] * inv[k][c] for k in range(2)) for c in range(2)] for r in range(2)]
    a, b, c, d = j[0][0], j[0][1], j[1][0], j[1][1]
    s1 = math.sqrt((a * a + b * b + c * c + d * d +
                    math.sqrt(((a - d) ** 2 + (b + c) ** 2) * ((a + d) ** 2 + (b - c) ** 2))) / 2)
    s2 = abs(a * d - b * c) / s1
    return s1 / s2, math.degrees(math.atan2(c - b, a + d))


def main():
    cams = read_cameras(sys.argv[1])
    floor = [(x * 50.0, y * 50.0, 0.0) for x in range(-30, 31) for y in range(-30, 31)]
    walls = [(5500 * math.cos(math.radians(a)), 5500 * math.sin(math.radians(a)), h * 100.0)
             for a in range(0, 360, 2) for h in range(0, 26)]
    for name, (rows, centre, f) in sorted(cams.items()):
        axis = [-x for x in rows[2]]
        print("%s at (%.2f, %.2f, %.2f) m, looking %.0f deg from x, %.0f deg down; f %.0f px"
              % (name, *[c / 1000 for c in centre],
                 math.degrees(math.atan2(axis[1], axis[0])), -math.degrees(math.asin(axis[2])), f))
    print("\npair  axes  bearings  face each other  central floor both (of A, of B)  "
          "walls both (of A, of B)  floor tilt, turn")
    for a, b in itertools.combinations(sorted(cams), 2):
        ca, cb = cams[a], cams[b]
        axa, axb = [-x for x in ca[0][2]], [-x for x in cb[0][2]]
        axes = math.degrees(math.acos(max(-1, min(1, dot(axa, axb)))))
        bearing = lambda ax: math.degrees(math.atan2(ax[1], ax[0]))
        turn = (bearing(axb) - bearing(axa) + 180) % 360 - 180
        facing = pixel(ca, cb[1]) is not None and pixel(cb, ca[1]) is not None
        def shares(points):
            sa = [p for p in points if pixel(ca, p)]
            sb = [p for p in points if pixel(cb, p)]
            both = [p for p in sa if pixel(cb, p)]
            return 100 * len(both) / max(1, len(sa)), 100 * len(both) / max(1, len(sb))
        fa, fb = shares(floor)
        wa, wb = shares(walls)
        tilt, rot = floor_affine(ca, cb)
        print("%s-%s  %4.0f  %8.0f  %-15s  %3.0f %%, %3.0f %%                   "
              "%3.0f %%, %3.0f %%          %.2f, %.0f"
              % (a[-1], b[-1], axes, abs(turn), "yes" if facing else "no", fa, fb, wa, wb,
                 tilt, rot))


if __name__ == "__main__":
    main()
