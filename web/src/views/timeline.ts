// The case timeline (#/timeline?from=&to=): each item's start on one UTC clock as an interval
// (light bar: when it may have started; dark bar: the recording from its best start), observed
// events as dots, conflicts listed. The shown range is in the hash.
import { api, type Timeline } from "../api";
import { h, svg } from "../dom";
import { href, replaceParams, type Route } from "../route";
import { loadInto, pageTitle } from "../ui";

const ROW = 26;
const LEFT = 220;
const WIDTH = 1000;

const ms = (s: string | null | undefined): number | null => (s ? Date.parse(s) : null);

function iso(t: number): string {
  return new Date(t).toISOString().replace(/\.000Z$/, "Z");
}

type TimelineItem = Timeline["items"][number];

/** An item's start interval: the timeline's when it gives one, else what its statements bound
 *  (an item only known to be "obtained by" has an upper bound and no lower one). */
function startOf(it: TimelineItem): { earliest: string | null; latest: string | null; best: string | null } | null {
  if (it.start && (it.start.earliest || it.start.latest)) return { earliest: it.start.earliest, latest: it.start.latest, best: it.start.best ?? null };
  let earliest: string | null = null;
  let latest: string | null = null;
  for (const b of it.basis) {
    if (b.earliest && (!earliest || Date.parse(b.earliest) > Date.parse(earliest))) earliest = b.earliest;
    if (b.latest && (!latest || Date.parse(b.latest) < Date.parse(latest))) latest = b.latest;
  }
  return earliest || latest ? { earliest, latest, best: null } : null;
}

function domainOf(tl: Timeline): [number, number] | null {
  const ts: number[] = [];
  for (const it of tl.items) {
    const s = startOf(it);
    for (const v of [s?.earliest, s?.latest, s?.best]) {
      const t = ms(v);
      if (t !== null) ts.push(t, t + (it.duration_s ?? 0) * 1000);
    }
  }
  for (const e of tl.events) for (const v of [e.time?.best, e.time?.earliest, e.time?.latest]) if (ms(v) !== null) ts.push(ms(v)!);
  if (ts.length === 0) return null;
  let lo = Math.min(...ts);
  let hi = Math.max(...ts);
  const pad = Math.max(60_000, (hi - lo) * 0.05);
  return [lo - pad, hi + pad];
}

function tickStep(span: number): number {
  const steps = [1e3, 5e3, 15e3, 60e3, 300e3, 900e3, 3600e3, 6 * 3600e3, 86400e3, 7 * 86400e3, 30 * 86400e3, 365 * 86400e3];
  return steps.find((s) => span / s <= 8) ?? steps[steps.length - 1];
}

export function renderTimeline(root: HTMLElement, route: Route): void {
  loadInto(root, async () => {
    const tl = await api.timeline();
    const full = domainOf(tl);
    const nodes: Node[] = [pageTitle("Case timeline")];
    if (!full) {
      nodes.push(h("p", { class: "muted" }, "Nothing in the case is placed in time yet."));
    } else {
      let from = ms(route.params.get("from")) ?? full[0];
      let to = ms(route.params.get("to")) ?? full[1];
      if (!(to > from)) [from, to] = full;
      const chart = h("div", { class: "timeline-chart", id: "timeline" });
      const fromInput = h("input", { id: "tl-from", size: 22, "aria-label": "From (UTC, RFC 3339)" });
      const toInput = h("input", { id: "tl-to", size: 22, "aria-label": "To (UTC, RFC 3339)" });
      const draw = () => {
        fromInput.value = iso(from);
        toInput.value = iso(to);
        chart.replaceChildren(drawChart(tl, from, to));
        replaceParams({ from: iso(from), to: iso(to) });
      };
      const zoom = (f: number) => {
        const mid = (from + to) / 2;
        const half = ((to - from) / 2) * f;
        [from, to] = [mid - half, mid + half];
        draw();
      };
      const pan = (f: number) => {
        const d = (to - from) * f;
        [from, to] = [from + d, to + d];
        draw();
      };
      const controls = h(
        "form",
        {
          class: "toolbar",
          onsubmit: (e: Event) => {
            e.preventDefault();
            const a = Date.parse(fromInput.value);
            const b = Date.parse(toInput.value);
            if (Number.isFinite(a) && Number.isFinite(b) && b > a) [from, to] = [a, b];
            draw();
          },
        },
        h("button", { type: "button", onclick: () => pan(-0.25), "aria-label": "Earlier" }, "◀"),
        h("button", { type: "button", onclick: () => zoom(0.5), "aria-label": "Zoom in" }, "+"),
        h("button", { type: "button", onclick: () => zoom(2), "aria-label": "Zoom out" }, "−"),
        h("button", { type: "button", onclick: () => pan(0.25), "aria-label": "Later" }, "▶"),
        h("button", { type: "button", onclick: () => (([from, to] = full), draw()) }, "Fit"),
        h("label", { for: "tl-from" }, "From"),
        fromInput,
        h("label", { for: "tl-to" }, "to"),
        toInput,
        h("button", { type: "submit" }, "Show"),
      );
      nodes.push(controls, chart);
      draw();
    }
    const unplaced = tl.items.filter((i) => !startOf(i));
    if (unplaced.length) nodes.push(h("p", { class: "muted" }, `Not placed: ${unplaced.map((i) => `#${i.item} ${i.name}`).join(", ")}`));
    if (tl.conflicts.length) {
      nodes.push(h("h2", null, "Conflicts"), h("ul", { class: "conflicts" }, tl.conflicts.map((c) => h("li", null, `items ${c.items.join(", ")}: ${c.message}`))));
    }
    nodes.push(
      h("h2", null, "What places each item"),
      h(
        "table",
        { class: "grid" },
        h("thead", null, h("tr", null, ["Item", "Earliest start", "Latest start", "Basis"].map((t) => h("th", { scope: "col" }, t)))),
        h(
          "tbody",
          null,
          tl.items.map((i) =>
            h(
              "tr",
              null,
              h("td", null, h("a", { href: href(`items/${i.item}`) }, `#${i.item} ${i.name}`)),
              h("td", null, startOf(i)?.earliest ?? "unbounded"),
              h("td", null, startOf(i)?.latest ?? "unbounded"),
              h("td", { class: "small" }, i.basis.map((b) => `${b.kind}: ${b.detail}`).join("; ")),
            ),
          ),
        ),
      ),
    );
    return nodes;
  });
}

function drawChart(tl: Timeline, from: number, to: number): SVGElement {
  const rows = tl.items.filter((i) => startOf(i));
  const height = 30 + rows.length * ROW + 10;
  const x = (t: number) => LEFT + ((t - from) / (to - from)) * (WIDTH - LEFT - 10);
  const clampX = (t: number) => Math.max(LEFT, Math.min(WIDTH - 10, x(t)));
  const root = svg("svg", { viewBox: `0 0 ${WIDTH} ${height}`, width: "100%", role: "img", "aria-label": "Items on one clock with the uncertainty of their start" });
  const step = tickStep(to - from);
  for (let t = Math.ceil(from / step) * step; t <= to; t += step) {
    const label = step >= 365 * 86400e3 ? iso(t).slice(0, 7) : step >= 86400e3 ? iso(t).slice(0, 10) : step >= 3600e3 ? iso(t).slice(5, 16).replace("T", " ") : iso(t).slice(11, 19);
    root.append(svg("line", { x1: x(t), x2: x(t), y1: 18, y2: height, class: "tick" }), svg("text", { x: x(t) + 2, y: 12, class: "tick-label" }, document.createTextNode(label)));
  }
  rows.forEach((it, i) => {
    const y = 30 + i * ROW;
    const s = startOf(it)!;
    const e = ms(s.earliest);
    const l = ms(s.latest);
    const b = ms(s.best);
    const g = svg("g", { class: "row", "data-item": it.item });
    const link = svg("a", { href: href(`items/${it.item}`) }, svg("text", { x: 4, y: y + 14, class: "row-label" }, document.createTextNode(`#${it.item} ${it.name}`.slice(0, 32))));
    g.append(link);
    const x0 = e === null ? LEFT : clampX(e);
    const x1 = l === null ? WIDTH - 10 : clampX(l);
    const title = svg("title", {}, document.createTextNode(`start between ${s.earliest ?? "unbounded"} and ${s.latest ?? "unbounded"}`));
    g.append(svg("rect", { x: x0, y: y + 4, width: Math.max(2, x1 - x0), height: ROW - 10, class: `uncertainty${e === null ? " open-left" : ""}${l === null ? " open-right" : ""}` }, title));
    if (b !== null) {
      const d = (it.duration_s ?? 0) * 1000;
      g.append(svg("rect", { x: clampX(b), y: y + 8, width: Math.max(2, clampX(b + d) - clampX(b)), height: ROW - 18, class: "recording" }));
    }
    for (const ev of tl.events.filter((v) => v.item === it.item)) {
      const t = ms(ev.time?.best ?? ev.time?.earliest ?? null);
      if (t !== null && t >= from && t <= to) g.append(svg("circle", { cx: x(t), cy: y + ROW / 2, r: 4, class: "event" }, svg("title", {}, document.createTextNode(`${ev.kind}: ${ev.text}`))));
    }
    root.append(g);
  });
  return root;
}
