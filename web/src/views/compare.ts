// Compare (#/compare/FINDING?t=SECONDS): the finding's two items side by side, playing together
// at the offset the evidence gives (same_moment: offset_s; same_footage: the matched segment,
// with its speed), and the match picture. `t` is the time in item a.
import { api, type Finding } from "../api";
import { formatScore, formatTime, h } from "../dom";
import { href, replaceParams, type Route } from "../route";
import { act, canWrite, loadInto, pageTitle, showInfo } from "../ui";
import { summary } from "./findings";
import { itemDetail } from "./items";

/** Maps a time in item a to the time in item b that shows the same moment. */
export function mapper(f: Finding): { toB: (a: number) => number; rate: number; describe: string } {
  const ev = f.evidence ?? {};
  if (typeof ev.offset_s === "number") {
    // offset_s: the time on a's clock at which b's time 0 falls (doc/findings.md).
    const off = ev.offset_s;
    const drift = typeof ev.drift_ppm === "number" ? (ev.drift_ppm as number) : 0;
    return { toB: (a) => (a - off) / (1 + drift * 1e-6), rate: 1 / (1 + drift * 1e-6), describe: `b starts at ${off.toFixed(3)} s on a's clock` };
  }
  const seg = ev.segments?.[0];
  if (seg && seg.a_end > seg.a_start) {
    const speed = (seg.b_end - seg.b_start) / (seg.a_end - seg.a_start);
    return {
      toB: (a) => seg.b_start + (a - seg.a_start) * speed,
      rate: speed,
      describe: `a ${seg.a_start.toFixed(2)} s ↔ b ${seg.b_start.toFixed(2)} s${Math.abs(speed - 1) > 0.005 ? `, b at ${speed.toFixed(3)}× speed` : ""}`,
    };
  }
  if (typeof ev.a_time === "number" && typeof ev.b_time === "number") {
    const d = (ev.b_time as number) - (ev.a_time as number);
    return { toB: (a) => a + d, rate: 1, describe: `frames at a ${ev.a_time} s and b ${ev.b_time} s` };
  }
  return { toB: (a) => a, rate: 1, describe: "no offset in the evidence: both from the start" };
}

export function renderCompare(root: HTMLElement, route: Route): () => void {
  const id = Number(route.parts[1]);
  const videos: HTMLVideoElement[] = [];
  let raf = 0;

  loadInto(root, async () => {
    if (!Number.isInteger(id) || id <= 0) throw new Error(`"${route.parts[1] ?? ""}" is not a finding id.`);
    const f = await api.finding(id);
    const [da, db] = await Promise.all([itemDetail(f.a), itemDetail(f.b)]);
    const map = mapper(f);
    const seg = f.evidence?.segments?.[0];
    const start = Number(route.params.get("t") ?? "") || seg?.a_start || Math.max(0, typeof f.evidence?.offset_s === "number" ? f.evidence.offset_s : 0);

    const pane = (label: string, itemId: number, name: string, kind: string | null) => {
      if (kind !== "video") {
        return h("figure", { class: "pane" }, h("img", { src: api.mediaUrl(itemId), alt: name }), h("figcaption", null, `${label}: `, h("a", { href: href(`items/${itemId}`) }, `#${itemId} ${name}`)));
      }
      const v = h("video", { src: api.mediaUrl(itemId), preload: "auto", muted: label === "b", playsinline: true, class: `compare-${label}` });
      v.muted = label === "b"; // one soundtrack at a time
      videos.push(v);
      return h("figure", { class: "pane" }, v, h("figcaption", null, `${label}: `, h("a", { href: href(`items/${itemId}`) }, `#${itemId} ${name}`), h("output", { class: `clock clock-${label}` })));
    };
    const paneA = pane("a", f.a, da.item.name, da.item.kind);
    const paneB = pane("b", f.b, db.item.name, db.item.kind);
    const [va, vb] = [paneA.querySelector("video"), paneB.querySelector("video")];

    const seekBoth = (t: number) => {
      if (va) va.currentTime = Math.max(0, t);
      if (vb) vb.currentTime = Math.max(0, map.toB(t));
    };
    const rate = map.rate;
    const follow = () => {
      // b follows a: small drifts are taken up by nudging b's playback rate, large ones by a seek.
      if (va && vb) {
        const want = map.toB(va.currentTime);
        const inRange = want >= 0 && (!Number.isFinite(vb.duration) || want <= vb.duration);
        if (!inRange) {
          if (!vb.paused) vb.pause();
        } else if (va.paused) {
          if (Math.abs(vb.currentTime - want) > 0.001) vb.currentTime = want;
        } else {
          if (vb.paused) vb.play().catch(() => {});
          const ahead = vb.currentTime - want;
          if (Math.abs(ahead) > 0.3) vb.currentTime = want;
          else vb.playbackRate = rate * va.playbackRate * (1 - Math.max(-0.1, Math.min(0.1, ahead * 2)));
        }
        paneA.querySelector(".clock")!.textContent = ` ${formatTime(va.currentTime)}`;
        paneB.querySelector(".clock")!.textContent = inRange ? ` ${formatTime(want)}` : " (outside b)";
      }
      if (va && !va.paused) raf = requestAnimationFrame(follow);
    };
    if (va) {
      va.addEventListener("loadedmetadata", () => seekBoth(start), { once: true });
      va.addEventListener("play", () => {
        cancelAnimationFrame(raf);
        raf = requestAnimationFrame(follow);
      });
      va.addEventListener("pause", () => {
        vb?.pause();
        replaceParams({ t: va.currentTime.toFixed(3) });
        follow();
      });
      va.addEventListener("seeked", () => {
        follow();
        if (va.paused) replaceParams({ t: va.currentTime.toFixed(3) });
      });
    }
    const fps = da.metadata?.streams?.find((s) => s.type === "video")?.frame_rate || 25;
    const step = (dir: number) => {
      if (!va) return;
      va.pause();
      seekBoth((Math.floor(va.currentTime * fps + 0.01) + dir + 0.5) / fps);
    };
    const controls = h(
      "div",
      { class: "toolbar" },
      h("button", { id: "compare-play", onclick: () => (va ? (va.paused ? va.play() : va.pause()) : undefined) }, "Play/pause both"),
      h("button", { onclick: () => step(-1) }, "◀ frame"),
      h("button", { onclick: () => step(1) }, "frame ▶"),
      h("button", { onclick: () => seekBoth(start) }, "Back to the match"),
      h("span", { class: "muted small" }, map.describe),
    );

    const last = f.decisions?.[f.decisions.length - 1];
    const nodes: Node[] = [
      pageTitle(`Finding ${f.id}: ${f.kind}`),
      h(
        "p",
        null,
        `score ${formatScore(f.score)} · `,
        h("span", { class: `status-${f.status}`, id: "compare-status" }, f.status),
        last ? ` by ${last.actor}${last.reason ? ` (${last.reason})` : ""}` : "",
        ` · ${summary(f)} · analyzer ${f.analyzer} v${f.version}`,
      ),
      h("div", { class: "compare", id: "compare" }, paneA, paneB),
      controls,
    ];
    if (canWrite()) nodes.push(decideForm(f));
    if (f.kind === "same_footage" || f.kind === "same_place") {
      nodes.push(h("h2", null, "Match picture"), h("img", { class: "match-picture", id: "match-picture", src: api.pictureUrl(f.id), alt: `the matched frames of items ${f.a} and ${f.b}` }));
    }
    nodes.push(h("details", null, h("summary", null, "Evidence (JSON)"), h("pre", { class: "json" }, JSON.stringify(f.evidence, null, 2))));
    return nodes;
  });

  return () => {
    cancelAnimationFrame(raf);
    for (const v of videos) {
      v.pause();
      v.removeAttribute("src");
      v.load();
    }
  };
}

function decideForm(f: Finding): HTMLElement {
  const reason = h("input", { id: "compare-reason", placeholder: "reason (needed to reject)", size: 40 });
  const decide = (action: "accept" | "reject") => (e: Event) =>
    act(e.currentTarget as HTMLButtonElement, async () => {
      if (action === "reject" && !reason.value.trim()) {
        reason.focus();
        throw new Error("A rejection needs a reason.");
      }
      const updated = await api.decide(f.id, action, reason.value.trim());
      document.getElementById("compare-status")!.textContent = updated?.status ?? `${action}ed`;
      showInfo(`Finding ${f.id} ${action}ed.`);
    });
  return h("div", { class: "toolbar" }, reason, h("button", { onclick: decide("accept") }, "Accept"), h("button", { onclick: decide("reject") }, "Reject"));
}
