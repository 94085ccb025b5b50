// The offline basemap: Natural Earth 1:50m land and country borders (public domain), from the
// file the report's map uses (third_party/naturalearth/world_50m.txt, format in its
// make_map_data.py), bundled into the app at build time and turned into GeoJSON here. No tiles.
import worldText from "../../third_party/naturalearth/world_50m.txt?raw";

export interface WorldGeoJson {
  land: GeoJSON.Feature<GeoJSON.Polygon>;
  borders: GeoJSON.Feature<GeoJSON.MultiLineString>;
}

/** Parses the delta-encoded lines (hundredths of a degree: first position absolute, then deltas). */
export function parseWorld(text: string): WorldGeoJson {
  const rings: number[][][] = [];
  const lines: number[][][] = [];
  for (const line of text.split("\n")) {
    const tag = line[0];
    if (tag !== "L" && tag !== "B") continue;
    const n = line.slice(2).trim().split(/\s+/).map(Number);
    const pts: number[][] = [];
    let x = 0;
    let y = 0;
    for (let i = 0; i + 1 < n.length; i += 2) {
      x += n[i];
      y += n[i + 1];
      pts.push([x / 100, y / 100]);
    }
    if (tag === "L") {
      if (pts.length < 4) continue;
      for (const ring of splitAtAntimeridian(pts)) {
        const [fx, fy] = ring[0];
        const [lx, ly] = ring[ring.length - 1];
        if (fx !== lx || fy !== ly) ring.push([fx, fy]);
        if (ring.length >= 4) rings.push(ring);
      }
    } else if (pts.length >= 2) {
      lines.push(pts);
    }
  }
  return {
    // All land rings in one polygon, drawn with the even-odd rule: lakes inside land stay water.
    land: { type: "Feature", properties: { name: "land" }, geometry: { type: "Polygon", coordinates: rings } },
    borders: { type: "Feature", properties: { name: "borders" }, geometry: { type: "MultiLineString", coordinates: lines } },
  };
}

/** A ring of the merged land may cross ±180° (eastern Russia, Fiji, Antarctica): drawn on a flat
 *  map, each crossing would be a line across the whole world. An even number of crossings splits
 *  the ring into the pieces on either side, each closed along the antimeridian; one crossing is a
 *  ring around a pole, closed over that pole. */
export function splitAtAntimeridian(ring: number[][]): number[][][] {
  const jumps: number[] = [];
  for (let i = 1; i < ring.length; i++) if (Math.abs(ring[i][0] - ring[i - 1][0]) > 180) jumps.push(i);
  if (jumps.length === 0) return [ring];
  if (jumps.length % 2 === 1) {
    const i = jumps[0];
    const [x0, y0] = ring[i - 1];
    const [x1, y1] = ring[i];
    const pole = y0 + y1 < 0 ? -89.9 : 89.9;
    const e0 = Math.sign(x0) * 180;
    const e1 = Math.sign(x1) * 180;
    return [[...ring.slice(0, i), [e0, y0], [e0, pole], [e1, pole], [e1, y1], ...ring.slice(i)]];
  }
  // Pieces between crossings alternate sides; the last piece continues the first.
  const pieces: number[][][] = [];
  let start = 0;
  for (const j of jumps) {
    pieces.push(ring.slice(start, j));
    start = j;
  }
  pieces[0] = [...ring.slice(start), ...pieces[0]];
  const sides: number[][][] = [[], []];
  pieces.forEach((piece, k) => sides[k % 2].push(...piece));
  return sides.filter((side) => side.length >= 3);
}

let cached: WorldGeoJson | null = null;

export function world(): WorldGeoJson {
  if (!cached) cached = parseWorld(worldText);
  return cached;
}
