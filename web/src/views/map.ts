// The map of item locations (#/map?lat=&lon=&z=): Leaflet over the bundled Natural Earth outlines
// (no tile layer, nothing fetched from another host). The extent follows the hash.
import L from "leaflet";
import "leaflet/dist/leaflet.css";
import { api, type GpsPosition, type Location } from "../api";
import { h } from "../dom";
import { href, replaceParams, type Route } from "../route";
import { loadInto, pageTitle } from "../ui";
import { world } from "../worldmap";

export function renderMap(root: HTMLElement, route: Route): () => void {
  const holder = h("div", { id: "map", class: "map", role: "application", "aria-label": "Map of item locations; arrow keys pan, + and - zoom" });
  const listSlot = h("div");
  root.replaceChildren(pageTitle("Map"), h("p", { class: "muted small" }, "Outlines: Natural Earth 1:50m (public domain), bundled; no map tiles are fetched."), holder, listSlot);

  const map = L.map(holder, { worldCopyJump: true, minZoom: 1, maxZoom: 19, preferCanvas: true, keyboard: true });
  map.attributionControl.setPrefix(false);
  map.attributionControl.addAttribution("Natural Earth");
  const w = world();
  // The world and a copy on either side, so that panning across ±180° shows land.
  for (const shift of [-360, 0, 360]) {
    const coordsToLatLng = (c: number[]) => L.latLng(c[1], c[0] + shift);
    L.geoJSON(w.land, { style: { color: "#8a8f87", weight: 0.8, fillColor: "#e9ebe4", fillOpacity: 1, fillRule: "evenodd" }, interactive: false, coordsToLatLng }).addTo(map);
    L.geoJSON(w.borders, { style: { color: "#a5a99f", weight: 0.6, dashArray: "3 2" }, interactive: false, coordsToLatLng }).addTo(map);
  }

  const p = route.params;
  const lat = Number(p.get("lat"));
  const lon = Number(p.get("lon"));
  const z = Number(p.get("z"));
  const fromHash = p.has("lat") && p.has("lon") && Number.isFinite(lat) && Number.isFinite(lon);
  if (fromHash) map.setView([lat, lon], Number.isFinite(z) && p.has("z") ? z : 10);
  else map.setView([20, 0], 2);
  map.on("moveend", () => {
    const c = map.getCenter();
    replaceParams({ lat: c.lat.toFixed(5), lon: c.lng.toFixed(5), z: map.getZoom() });
  });

  loadInto(listSlot, async () => {
    const { locations, gps = [] } = await api.locations();
    const group = L.featureGroup().addTo(map);
    for (const loc of locations) placeMarker(loc).addTo(group);
    for (const g of gps) gpsMarker(g).addTo(group);
    if (!fromHash && group.getLayers().length > 0) map.fitBounds(group.getBounds().pad(0.3), { maxZoom: 15 });
    if (group.getLayers().length === 0) {
      return h("p", { class: "muted" }, "No item has a location yet (GPS in its metadata, or one recorded in the player's Locate form).");
    }
    const show = (lat: number, lon: number) => h("button", { class: "link", onclick: () => map.setView([lat, lon], 15) }, "show");
    return h(
      "ul",
      { class: "locations", id: "locations" },
      locations.map((loc) =>
        h(
          "li",
          null,
          loc.item ? h("a", { href: href(`items/${loc.item}`) }, `item ${loc.item}`) : `observation ${loc.observation}`,
          ` ${loc.lat.toFixed(5)}, ${loc.lon.toFixed(5)} ± ${Math.round(loc.radius_m)} m (${loc.method}${loc.note ? `: ${loc.note}` : ""}${loc.actor ? `, ${loc.actor}` : ""}) `,
          show(loc.lat, loc.lon),
        ),
      ),
      gps.map((g) => h("li", null, h("a", { href: href(`items/${g.item}`) }, `item ${g.item}`), ` GPS in the file ${g.lat.toFixed(5)}, ${g.lon.toFixed(5)} [${g.source}] `, show(g.lat, g.lon))),
    );
  });
  // The container's size is known once it is in the document.
  requestAnimationFrame(() => map.invalidateSize());
  return () => map.remove();
}

function placeMarker(loc: Location): L.Layer {
  const who = loc.item ? `<a href="${href(`items/${loc.item}`)}">item ${loc.item}</a>` : `observation ${loc.observation}`;
  const popup = `${who}<br>${loc.lat.toFixed(5)}, ${loc.lon.toFixed(5)} ± ${Math.round(loc.radius_m)} m<br>${escapeHtml(loc.method)}${loc.note ? `: ${escapeHtml(loc.note)}` : ""}`;
  return L.featureGroup([
    L.circle([loc.lat, loc.lon], { radius: Math.max(1, loc.radius_m), color: "#c0392b", weight: 1, fillOpacity: 0.15 }),
    L.circleMarker([loc.lat, loc.lon], { radius: 5, color: "#c0392b", fillColor: "#c0392b", fillOpacity: 0.9 }),
  ]).bindPopup(popup);
}

function gpsMarker(g: GpsPosition): L.Layer {
  return L.circleMarker([g.lat, g.lon], { radius: 5, color: "#1f5fa8", fillColor: "#1f5fa8", fillOpacity: 0.9 }).bindPopup(
    `<a href="${href(`items/${g.item}`)}">item ${g.item}</a><br>GPS in the file: ${g.lat.toFixed(5)}, ${g.lon.toFixed(5)}<br>${escapeHtml(g.source)}`,
  );
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}
