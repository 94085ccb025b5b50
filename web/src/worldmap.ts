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
      const [fx, fy] = pts[0];
      const [lx, ly] = pts[pts.length - 1];
      if (fx !== lx || fy !== ly) pts.push([fx, fy]);
      rings.push(pts);
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

let cached: WorldGeoJson | null = null;

export function world(): WorldGeoJson {
  if (!cached) cached = parseWorld(worldText);
  return cached;
}
