#!/usr/bin/env python3
"""Derives world_50m.txt (the report's map: land and country borders) from world-atlas's
countries-50m.json (Natural Earth 1:50m Admin 0 countries, as TopoJSON; npm package world-atlas 2.0.2).

Usage: npm pack world-atlas@2.0.2 && tar xzf world-atlas-2.0.2.tgz
       python3 make_map_data.py package/countries-50m.json > world_50m.txt

Each arc of the topology is decoded (TopoJSON spec: delta-encoded quantized positions), simplified
with Douglas-Peucker (Douglas & Peucker 1973) at TOLERANCE degrees keeping its end points (so
neighbouring shapes still meet), and rounded to 1/100 degree. Output lines:
  L x0 y0 dx1 dy1 dx2 dy2 ...   one ring of land (closed; the land object, countries merged)
  B x0 y0 dx1 dy1 ...           a border between two countries (an arc used by two of them)
in hundredths of a degree (x longitude, y latitude), the first position absolute, then deltas.
"""
import json
import sys

TOLERANCE = 0.03  # degrees


def decode(topo):
    sx, sy = topo["transform"]["scale"]
    tx, ty = topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        x = y = 0
        pts = []
        for dx, dy in arc:
            x += dx
            y += dy
            pts.append((x * sx + tx, y * sy + ty))
        arcs.append(pts)
    return arcs


def simplify(pts, tol):
    if len(pts) < 3:
        return pts
    keep = [False] * len(pts)
    keep[0] = keep[-1] = True
    stack = [(0, len(pts) - 1)]
    while stack:
        a, b = stack.pop()
        (ax, ay), (bx, by) = pts[a], pts[b]
        dx, dy = bx - ax, by - ay
        norm = (dx * dx + dy * dy) ** 0.5
        best, best_d = -1, tol
        for i in range(a + 1, b):
            px, py = pts[i]
            if norm == 0:
                d = ((px - ax) ** 2 + (py - ay) ** 2) ** 0.5
            else:
                d = abs(dy * (px - ax) - dx * (py - ay)) / norm
            if d > best_d:
                best, best_d = i, d
        if best >= 0:
            keep[best] = True
            stack += [(a, best), (best, b)]
    return [p for p, k in zip(pts, keep) if k]


def ring_points(arcs, ring):
    out = []
    for i in ring:
        pts = arcs[i] if i >= 0 else list(reversed(arcs[~i]))
        out.extend(pts if not out else pts[1:])
    return out


def line(tag, pts):
    q = [(round(x * 100), round(y * 100)) for x, y in pts]
    dedup = [q[0]] + [p for prev, p in zip(q, q[1:]) if p != prev]
    if len(dedup) < 2:
        return None
    out = [tag, str(dedup[0][0]), str(dedup[0][1])]
    for (x0, y0), (x1, y1) in zip(dedup, dedup[1:]):
        out += [str(x1 - x0), str(y1 - y0)]
    return " ".join(out)


def main():
    topo = json.load(open(sys.argv[1]))
    arcs = [simplify(a, TOLERANCE) for a in decode(topo)]
    print("# Natural Earth 1:50m land and country borders (public domain), via world-atlas 2.0.2;")
    print("# made by make_map_data.py (see README.md): hundredths of a degree, deltas after the first")
    land = topo["objects"]["land"]
    shapes = land["geometries"] if land["type"] == "GeometryCollection" else [land]
    polys = []
    for g in shapes:
        polys += g["arcs"] if g["type"] == "MultiPolygon" else [g["arcs"]]
    for poly in polys:
        for ring in poly:
            text = line("L", ring_points(arcs, ring))
            if text and len(text.split()) >= 9:  # at least four positions
                print(text)
    users = {}
    for g in topo["objects"]["countries"]["geometries"]:
        polys = g["arcs"] if g["type"] == "MultiPolygon" else [g["arcs"]]
        for poly in polys:
            for ring in poly:
                for i in ring:
                    users.setdefault(i if i >= 0 else ~i, set()).add(id(g))
    for i, who in sorted(users.items()):
        if len(who) >= 2:
            text = line("B", arcs[i])
            if text:
                print(text)


if __name__ == "__main__":
    main()
