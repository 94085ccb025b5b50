// The player (#/items/ID?t=SECONDS): the original served with range requests, stepping one frame
// at a time at the item's frame rate, and what analyze heard and read and what people observed
// marked on its timeline. The time in the hash follows the player, so the address is a citation.
import { api, type Finding, type ItemDetail, type ItemEvents, type Keyframe } from "../api";
import { formatBytes, formatScore, formatTime, h } from "../dom";
import { href, replaceParams, type Route } from "../route";
import { act, canWrite, loadInto, pageTitle, showInfo } from "../ui";
import { itemDetail } from "./items";

interface Mark {
  t: number;
  end?: number;
  kind: "heard" | "text" | "observation" | "keyframe";
  label: string;
}

function frameRate(d: ItemDetail): number {
  const v = d.metadata?.streams?.find((s) => s.type === "video");
  return v?.frame_rate && v.frame_rate > 0 && v.frame_rate < 1000 ? v.frame_rate : 25;
}

function duration(d: ItemDetail): number {
  return d.metadata?.container?.duration_s ?? d.metadata?.streams?.find((s) => s.duration_s)?.duration_s ?? 0;
}

export function marksOf(events: ItemEvents | null, keyframes: Keyframe[]): Mark[] {
  const marks: Mark[] = [];
  for (const e of events?.heard ?? []) {
    if (typeof e.t === "number") marks.push({ t: e.t, end: e.end ?? undefined, kind: "heard", label: `heard: ${e.kind}${typeof e.score === "number" ? ` (${e.score.toFixed(2)})` : ""}` });
  }
  for (const e of events?.text ?? []) {
    if (typeof e.t === "number") marks.push({ t: e.t, end: e.end ?? undefined, kind: "text", label: `text: ${e.text}` });
  }
  for (const e of events?.observations ?? []) {
    if (typeof e.start_s === "number") marks.push({ t: e.start_s, end: e.end_s ?? undefined, kind: "observation", label: `${e.kind}: ${e.text}${e.translation ? ` (“${e.translation}”)` : ""} — ${e.actor ?? ""}` });
  }
  for (const k of keyframes) marks.push({ t: k.t, kind: "keyframe", label: `keyframe ${k.index}` });
  return marks.sort((a, b) => a.t - b.t);
}

/** The timeline bar under a player: marks as buttons that seek, and a cursor that follows. */
export function timelineBar(video: HTMLMediaElement, total: number, marks: Mark[]): HTMLElement {
  const cursor = h("div", { class: "cursor" });
  const bar = h("div", { class: "track", role: "group", "aria-label": "Timeline: heard, read and observed" }, cursor);
  const span = () => (Number.isFinite(video.duration) && video.duration > 0 ? video.duration : total) || 1;
  const place = () => {
    for (const el of Array.from(bar.querySelectorAll<HTMLElement>(".mark"))) {
      const t = Number(el.dataset.t);
      const end = Number(el.dataset.end);
      el.style.left = `${(100 * t) / span()}%`;
      if (end > t) el.style.width = `${(100 * (end - t)) / span()}%`;
    }
  };
  for (const m of marks) {
    bar.append(
      h("button", {
        class: `mark ${m.kind}`,
        "data-t": m.t,
        "data-end": m.end ?? "",
        title: `${formatTime(m.t)} ${m.label}`,
        "aria-label": `${formatTime(m.t)} ${m.label}`,
        onclick: () => {
          video.pause();
          video.currentTime = m.t;
        },
      }),
    );
  }
  bar.addEventListener("click", (e) => {
    if (e.target !== bar && e.target !== cursor) return;
    const r = bar.getBoundingClientRect();
    video.currentTime = ((e.clientX - r.left) / r.width) * span();
  });
  video.addEventListener("loadedmetadata", place);
  video.addEventListener("timeupdate", () => (cursor.style.left = `${(100 * video.currentTime) / span()}%`));
  place();
  return bar;
}

export function renderItem(root: HTMLElement, route: Route): () => void {
  const id = Number(route.parts[1]);
  const startAt = Number(route.params.get("t") ?? "0") || 0;
  let video: HTMLVideoElement | null = null;
  let onKey: ((e: KeyboardEvent) => void) | null = null;

  loadInto(root, async () => {
    if (!Number.isInteger(id) || id <= 0) throw new Error(`"${route.parts[1]}" is not an item id.`);
    const detail = await itemDetail(id, true);
    const item = detail.item;
    const [events, keyframes] = await Promise.all([
      item.kind === "video" || item.kind === "audio" ? api.events(id).catch(() => null) : Promise.resolve(null),
      item.kind === "video" ? api.keyframes(id).catch(() => []) : Promise.resolve([] as Keyframe[]),
    ]);
    const fps = frameRate(detail);
    const nodes: Node[] = [pageTitle(`#${item.id} ${item.name}`)];
    const meta = detail.metadata;
    nodes.push(
      h(
        "p",
        { class: "muted" },
        `${item.kind ?? "not media"} · ${formatBytes(item.size)} · sha256 ${item.sha256.slice(0, 16)}… · `,
        h("a", { href: api.mediaUrl(id), download: item.name }, "original"),
      ),
    );

    if (item.kind === "video" || item.kind === "audio") {
      const v = h(item.kind === "video" ? "video" : "audio", { id: "player", src: api.mediaUrl(id), preload: "metadata", controls: true }) as HTMLVideoElement;
      video = v;
      const clock = h("output", { class: "clock", "aria-live": "off" }, formatTime(startAt));
      const step = (dir: number) => {
        v.pause();
        const frame = Math.floor(v.currentTime * fps + 0.01);
        v.currentTime = Math.max(0, (frame + dir + 0.5) / fps);
      };
      let lastWrite = 0;
      const remember = () => replaceParams({ t: v.currentTime > 0 ? v.currentTime.toFixed(3) : null });
      v.addEventListener("timeupdate", () => {
        clock.textContent = `${formatTime(v.currentTime)}  frame ${Math.floor(v.currentTime * fps + 0.01)}`;
        const now = Date.now();
        if (now - lastWrite > 1000) {
          lastWrite = now;
          remember();
        }
      });
      v.addEventListener("pause", remember);
      v.addEventListener("seeked", remember);
      v.addEventListener("loadedmetadata", () => {
        if (startAt > 0) v.currentTime = startAt;
      });
      v.addEventListener("error", () => showInfo(`The browser cannot play this file (${v.error?.message || "unsupported codec"}); download the original instead.`));
      onKey = (e: KeyboardEvent) => {
        const target = e.target as HTMLElement;
        if (target.closest("input, textarea, select")) return;
        if (e.key === "," || (e.key === "ArrowLeft" && e.shiftKey)) step(-1);
        else if (e.key === "." || (e.key === "ArrowRight" && e.shiftKey)) step(1);
        else if (e.key === "k" || (e.key === " " && target === document.body)) v.paused ? v.play() : v.pause();
        else return;
        e.preventDefault();
      };
      document.addEventListener("keydown", onKey);
      nodes.push(
        h(
          "section",
          { class: "player" },
          v,
          h(
            "div",
            { class: "toolbar" },
            h("button", { onclick: () => step(-1), id: "frame-back", title: "One frame back (,)" }, "◀ frame"),
            h("button", { onclick: () => (v.paused ? v.play() : v.pause()), id: "play", title: "Play or pause (k)" }, "Play/pause"),
            h("button", { onclick: () => step(1), id: "frame-forward", title: "One frame forward (.)" }, "frame ▶"),
            clock,
            h("span", { class: "muted small" }, `${fps.toFixed(3)} fps · keys , . k`),
          ),
          timelineBar(v, duration(detail), marksOf(events, keyframes)),
          h("div", { class: "legend small" }, h("span", { class: "mark-key heard" }, "heard"), h("span", { class: "mark-key text" }, "text"), h("span", { class: "mark-key observation" }, "observed"), h("span", { class: "mark-key keyframe" }, "keyframe")),
        ),
      );
      if (keyframes.length > 0) {
        nodes.push(
          h("h2", null, "Shots"),
          h(
            "div",
            { class: "strip wide" },
            keyframes.map((k) =>
              h(
                "button",
                { class: "thumb", title: `Seek to ${formatTime(k.t)}`, onclick: () => ((v.currentTime = k.t), v.pause()) },
                h("img", { class: "keyframe", src: k.url, alt: `keyframe at ${formatTime(k.t)}` }),
                h("span", { class: "small" }, formatTime(k.t)),
              ),
            ),
          ),
        );
      }
      const list = marksOf(events, []);
      if (list.length > 0) {
        nodes.push(
          h("h2", null, "Heard, read and observed"),
          h(
            "ul",
            { class: "events" },
            list.map((m) => h("li", null, h("button", { class: "link", onclick: () => ((v.currentTime = m.t), v.pause()) }, formatTime(m.t)), " ", m.label)),
          ),
        );
      }
      if (canWrite()) nodes.push(annotateForm(id, () => v.currentTime));
    } else if (item.kind === "image") {
      nodes.push(h("img", { class: "still", src: api.mediaUrl(id), alt: item.name }));
    } else {
      nodes.push(h("p", { class: "error-box" }, item.media_problem ?? "This item cannot be shown as media."));
    }

    const related = (detail as { findings?: Finding[] }).findings ?? [];
    if (related.length > 0) {
      nodes.push(
        h("h2", null, "Findings"),
        h(
          "ul",
          { class: "item-findings" },
          related.map((f) =>
            h("li", null, h("a", { href: href(`compare/${f.id}`) }, `finding ${f.id}`), ` ${f.kind} with #${f.a === id ? f.b : f.a}, score ${formatScore(f.score)}, `, h("span", { class: `status-${f.status}` }, f.status)),
          ),
        ),
      );
    }
    if (meta) {
      nodes.push(h("h2", null, "Metadata"), metadataTable(detail));
    }
    if (canWrite()) nodes.push(locateForm(id));
    nodes.push(
      h("p", null, h("a", { href: href("findings", { item: id }) }, "Findings with this item"), " · ", h("a", { href: href("timeline") }, "Case timeline")),
    );
    return nodes;
  });

  return () => {
    if (video) {
      video.pause();
      video.removeAttribute("src");
      video.load();
    }
    if (onKey) document.removeEventListener("keydown", onKey);
  };
}

function metadataTable(d: ItemDetail): HTMLElement {
  const meta = d.metadata!;
  const rows: Array<[string, Node | string]> = [];
  for (const [k, v] of Object.entries(meta.times ?? {})) {
    if (v && !v.unset) rows.push([k, `${v.utc ?? `${v.local} (zone unknown)`} [${v.source}]`]);
  }
  const dev = meta.device;
  if (dev && (dev.make || dev.model)) rows.push(["device", [dev.make, dev.model].filter(Boolean).join(" ")]);
  if (meta.gps) rows.push(["gps", h("a", { href: href("map", { lat: meta.gps.lat.toFixed(5), lon: meta.gps.lon.toFixed(5), z: 14 }) }, `${meta.gps.lat}, ${meta.gps.lon}`)]);
  for (const s of meta.software ?? []) rows.push(["software", `${s.value} [${s.source}]`]);
  for (const s of meta.streams ?? []) {
    rows.push([`stream`, `${s.type} ${s.codec ?? ""} ${s.width ? `${s.width}x${s.height}` : ""} ${s.frame_rate ? `${s.frame_rate} fps` : ""}`]);
  }
  for (const a of meta.anomalies) rows.push([`! ${a.code}`, a.message]);
  return h("table", { class: "kv" }, h("tbody", null, rows.map(([k, v]) => h("tr", null, h("th", { scope: "row" }, k), h("td", null, v)))));
}

function annotateForm(id: number, now: () => number): HTMLElement {
  const text = h("input", { id: "obs-text", required: true, placeholder: "what is seen or heard here" });
  const kind = h("select", { id: "obs-kind" }, ["visual", "sound", "speech", "text", "other"].map((k) => h("option", { value: k }, k)));
  const submit = h("button", { type: "submit" }, "Add observation at the current time");
  return h(
    "form",
    {
      class: "inline-form",
      onsubmit: (e: Event) => {
        e.preventDefault();
        act(submit, async () => {
          await api.annotate(id, { t: Number(now().toFixed(3)), text: text.value, kind: kind.value });
          // Shown again at the same time (kept in the hash), with the new mark on the timeline.
          window.dispatchEvent(new HashChangeEvent("hashchange"));
          showInfo("Observation recorded.");
        });
      },
    },
    h("h2", null, "Annotate"),
    h("label", { for: "obs-kind" }, "Kind "),
    kind,
    h("label", { for: "obs-text" }, " Text "),
    text,
    submit,
  );
}

function locateForm(id: number): HTMLElement {
  const lat = h("input", { id: "loc-lat", type: "number", step: "any", min: -90, max: 90, required: true, size: 10 });
  const lon = h("input", { id: "loc-lon", type: "number", step: "any", min: -180, max: 180, required: true, size: 10 });
  const radius = h("input", { id: "loc-radius", type: "number", min: 1, step: "any", value: 100, required: true, size: 7 });
  const method = h("select", { id: "loc-method" }, ["landmarks", "scene_match", "gps_metadata", "telemetry", "source_statement", "other"].map((k) => h("option", { value: k }, k)));
  const note = h("input", { id: "loc-note", placeholder: "how it was established" });
  const submit = h("button", { type: "submit" }, "Record location");
  return h(
    "form",
    {
      class: "inline-form",
      onsubmit: (e: Event) => {
        e.preventDefault();
        act(submit, async () => {
          await api.locate(id, { lat: Number(lat.value), lon: Number(lon.value), radius_m: Number(radius.value), method: method.value, note: note.value });
          window.dispatchEvent(new HashChangeEvent("hashchange"));
          showInfo("Location recorded.");
        });
      },
    },
    h("h2", null, "Locate"),
    h("label", { for: "loc-lat" }, "Lat "),
    lat,
    h("label", { for: "loc-lon" }, " Lon "),
    lon,
    h("label", { for: "loc-radius" }, " ± m "),
    radius,
    h("label", { for: "loc-method" }, " Method "),
    method,
    h("label", { for: "loc-note" }, " Note "),
    note,
    submit,
  );
}
