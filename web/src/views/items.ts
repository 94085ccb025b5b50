// The items gallery (#/items?q=&flagged=1): keyframes, kind, size and metadata flags per item;
// and the metadata triage (#/triage): the items with anomalies first, with dates, device and GPS.
import { api, type Item, type ItemDetail, type Metadata } from "../api";
import { formatBytes, h } from "../dom";
import { pool } from "../pool";
import { href, replaceParams, type Route } from "../route";
import { loadInto, pageTitle, showError } from "../ui";

const detailCache = new Map<number, Promise<ItemDetail>>();
const limit = pool(3);

/** An item's show object, fetched once per page load (metadata at ingest does not change);
 *  `fresh` fetches it again (its findings, observations and locations do change). */
export function itemDetail(id: number, fresh = false): Promise<ItemDetail> {
  let p = fresh ? undefined : detailCache.get(id);
  if (!p) {
    p = limit(() => api.item(id));
    p.catch(() => detailCache.delete(id));
    detailCache.set(id, p);
  }
  return p;
}

function flagList(item: Item, meta: Metadata | null): HTMLElement {
  const flags = h("ul", { class: "flags" });
  if (item.media_problem) flags.append(h("li", { class: "flag bad", title: item.media_problem }, "not readable as media"));
  for (const a of meta?.anomalies ?? []) flags.append(h("li", { class: "flag", title: a.message }, a.code));
  if (meta?.gps) flags.append(h("li", { class: "flag good", title: `${meta.gps.lat}, ${meta.gps.lon}` }, "gps"));
  return flags;
}

function card(item: Item, onFlags: (item: Item, anomalies: number) => void): HTMLElement {
  const strip = h("div", { class: "strip", "data-item": item.id });
  const flags = h("div", { class: "flags-slot" }, flagList(item, null));
  const el = h(
    "li",
    { class: "item-card", "data-item": item.id },
    h(
      "a",
      { href: href(`items/${item.id}`), class: "item-link", "aria-label": `Item ${item.id}: ${item.name}` },
      strip,
      h("span", { class: "item-name" }, `#${item.id} ${item.name}`),
    ),
    h("span", { class: "muted small" }, `${item.kind ?? "not media"} · ${formatBytes(item.size)}`),
    flags,
  );
  if (item.kind === "video" || item.kind === "image") {
    limit(() => api.keyframes(item.id))
      .then((kfs) => {
        if (kfs.length === 0) strip.append(h("span", { class: "muted small" }, "no keyframes"));
        const shown = kfs.length <= 4 ? kfs : [0, 1, 2, 3].map((i) => kfs[Math.round((i * (kfs.length - 1)) / 3)]);
        for (const kf of shown) {
          strip.append(h("img", { class: "keyframe", src: kf.url, alt: `keyframe at ${kf.t.toFixed(2)} s`, loading: "lazy" }));
        }
      })
      .catch((e) => strip.append(h("span", { class: "muted small", title: String(e.message) }, "keyframes unavailable")));
  } else {
    strip.append(h("span", { class: "placeholder" }, item.kind ?? "?"));
  }
  itemDetail(item.id)
    .then((d) => {
      flags.replaceChildren(flagList(item, d.metadata));
      onFlags(item, (d.metadata?.anomalies.length ?? 0) + (item.media_problem ? 1 : 0));
    })
    .catch(() => {});
  return el;
}

export function renderGallery(root: HTMLElement, route: Route): void {
  const q = route.params.get("q") ?? "";
  const flaggedOnly = route.params.get("flagged") === "1";
  const search = h("input", { type: "search", id: "item-search", placeholder: "name or sha256", value: q, "aria-label": "Filter items" });
  const flagged = h("input", { type: "checkbox", id: "item-flagged", checked: flaggedOnly });
  const list = h("ul", { class: "gallery", id: "gallery" });
  const count = h("span", { class: "muted" });
  const anomalyCount = new Map<number, number>();

  function apply(): void {
    const text = search.value.trim().toLowerCase();
    let shown = 0;
    for (const li of Array.from(list.children) as HTMLElement[]) {
      const name = li.dataset.name ?? "";
      const id = Number(li.dataset.item);
      const visible =
        (!text || name.includes(text)) && (!flagged.checked || (anomalyCount.get(id) ?? 0) > 0);
      li.hidden = !visible;
      if (visible) shown++;
    }
    count.textContent = `${shown} of ${list.children.length} items`;
    replaceParams({ q: search.value.trim(), flagged: flagged.checked ? "1" : null });
  }
  search.addEventListener("input", apply);
  flagged.addEventListener("change", apply);

  loadInto(root, async () => {
    const items = await api.items();
    for (const item of items) {
      const li = card(item, (it, n) => {
        anomalyCount.set(it.id, n);
        if (flagged.checked) apply();
      });
      li.dataset.name = `${item.name} ${item.other_names.join(" ")} ${item.sha256}`.toLowerCase();
      list.append(li);
    }
    const nodes: Node[] = [
      pageTitle("Items"),
      h(
        "div",
        { class: "toolbar" },
        search,
        h("label", { for: "item-flagged" }, flagged, " flagged only"),
        count,
        h("a", { href: "#/upload", class: "button" }, "Upload…"),
        h("a", { href: "#/triage", class: "button" }, "Triage"),
      ),
    ];
    if (items.length === 0) nodes.push(h("p", { class: "muted" }, "The case holds no items yet: upload some."));
    nodes.push(list);
    return nodes;
  }).then(apply);
}

function timeText(meta: Metadata | null): string {
  const created = meta?.times?.created;
  if (!created || created.unset) return "–";
  return created.utc ?? `${created.local} (zone unknown)`;
}

function deviceText(meta: Metadata | null): string {
  const d = meta?.device;
  if (!d) return "–";
  return [d.make, d.model].filter(Boolean).join(" ") || "–";
}

export function renderTriage(root: HTMLElement): void {
  loadInto(root, async () => {
    const items = await api.items();
    const details = await Promise.all(
      items.map((i) =>
        itemDetail(i.id).catch((e) => {
          showError(e);
          return null;
        }),
      ),
    );
    const rows = items.map((item, i) => ({ item, meta: details[i]?.metadata ?? null }));
    const weight = (r: (typeof rows)[number]) => (r.item.media_problem ? 1000 : 0) + (r.meta?.anomalies.length ?? 0);
    rows.sort((x, y) => weight(y) - weight(x) || x.item.id - y.item.id);
    const table = h(
      "table",
      { class: "grid", id: "triage" },
      h("thead", null, h("tr", null, ["Item", "Anomalies", "Created", "Device", "GPS", "Software"].map((t) => h("th", { scope: "col" }, t)))),
      h(
        "tbody",
        null,
        rows.map(({ item, meta }) =>
          h(
            "tr",
            { class: weight({ item, meta }) > 0 ? "flagged" : "" },
            h("td", null, h("a", { href: href(`items/${item.id}`) }, `#${item.id} ${item.name}`)),
            h(
              "td",
              null,
              item.media_problem ? h("div", { class: "flag bad" }, item.media_problem) : null,
              (meta?.anomalies ?? []).map((a) => h("details", null, h("summary", { class: "flag" }, a.code), h("p", { class: "small" }, a.message))),
            ),
            h("td", null, timeText(meta)),
            h("td", null, deviceText(meta)),
            h(
              "td",
              null,
              meta?.gps
                ? h("a", { href: href("map", { lat: meta.gps.lat.toFixed(5), lon: meta.gps.lon.toFixed(5), z: 14 }) }, `${meta.gps.lat.toFixed(5)}, ${meta.gps.lon.toFixed(5)}`)
                : "–",
            ),
            h("td", { class: "small" }, (meta?.software ?? []).map((s) => s.value).join("; ") || "–"),
          ),
        ),
      ),
    );
    return [pageTitle("Metadata triage"), h("p", { class: "muted" }, "Items with problems first. Hover or open an anomaly for what it means."), table];
  });
}
