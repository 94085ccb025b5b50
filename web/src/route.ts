// Hash routes are the workbench's permalinks (doc/api.md, "Front-end"): #/items/3?t=12.5,
// #/findings?kind=same_footage&status=suggested, #/map?lat=..&lon=..&z=.. A view keeps its state
// (player time, filters, map extent, timeline range) in the hash with replaceParams, so the
// address bar can be copied into a report at any moment.

export interface Route {
  /** Path segments after "#/": "#/items/3" → ["items", "3"]. */
  parts: string[];
  params: URLSearchParams;
}

export function currentRoute(): Route {
  const hash = location.hash.replace(/^#\/?/, "");
  const q = hash.indexOf("?");
  const path = q >= 0 ? hash.slice(0, q) : hash;
  const query = q >= 0 ? hash.slice(q + 1) : "";
  return {
    parts: path.split("/").filter((p) => p !== "").map(decodeURIComponent),
    params: new URLSearchParams(query),
  };
}

export function href(path: string, params: Record<string, string | number | null | undefined> = {}): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== null && v !== undefined && v !== "") q.set(k, String(v));
  }
  const qs = q.toString();
  return `#/${path}${qs ? `?${qs}` : ""}`;
}

/** Goes to another view (a new history entry; the router renders it). */
export function navigate(path: string, params: Record<string, string | number | null | undefined> = {}): void {
  location.hash = href(path, params).slice(1);
}

/** Updates the current view's state in the hash without a new history entry or a re-render. */
export function replaceParams(update: Record<string, string | number | null | undefined>): void {
  const route = currentRoute();
  for (const [k, v] of Object.entries(update)) {
    if (v === null || v === undefined || v === "") route.params.delete(k);
    else route.params.set(k, String(v));
  }
  const qs = route.params.toString();
  const path = route.parts.map(encodeURIComponent).join("/");
  history.replaceState(history.state, "", `#/${path}${qs ? `?${qs}` : ""}`);
}
