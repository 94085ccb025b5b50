// The findings queue (#/findings?kind=&status=&min=&item=): filters in the hash, accept or reject
// one finding or the selected ones with a reason; each finding opens in the compare view.
import { api, type Finding } from "../api";
import { formatScore, h } from "../dom";
import { href, type Route } from "../route";
import { act, canWrite, loadInto, pageTitle, showInfo } from "../ui";

const KINDS = ["", "same_footage", "same_moment", "same_place", "same_event"];
const STATUSES = ["", "suggested", "accepted", "rejected"];

export function summary(f: Finding): string {
  const ev = f.evidence ?? {};
  if (typeof ev.offset_s === "number") return `offset ${ev.offset_s.toFixed(3)} s`;
  const seg = ev.segments?.[0];
  if (seg) return `a ${seg.a_start.toFixed(2)}–${seg.a_end.toFixed(2)} s ↔ b ${seg.b_start.toFixed(2)}–${seg.b_end.toFixed(2)} s${seg.transform && seg.transform !== "none" ? ` (${seg.transform})` : ""}`;
  if (typeof ev.gap_s === "number") return `gap ${ev.gap_s} s`;
  if (typeof ev.inliers === "number") return `${ev.inliers} inliers`;
  return "";
}

function select(id: string, label: string, options: string[], value: string): [HTMLLabelElement, HTMLSelectElement] {
  const el = h("select", { id }, options.map((o) => h("option", { value: o, selected: o === value }, o || "any")));
  return [h("label", { for: id }, label), el];
}

export function renderFindings(root: HTMLElement, route: Route): void {
  const p = route.params;
  const [kindLabel, kind] = select("f-kind", "Kind", KINDS, p.get("kind") ?? "");
  const [statusLabel, status] = select("f-status", "Status", STATUSES, p.get("status") ?? "");
  const min = h("input", { id: "f-min", type: "number", min: 0, max: 1, step: 0.05, value: p.get("min") ?? "", size: 5 });
  const item = h("input", { id: "f-item", type: "number", min: 1, step: 1, value: p.get("item") ?? "", size: 5 });
  const since = h("input", { id: "f-since", type: "date", value: p.get("since") ?? "" });
  const until = h("input", { id: "f-until", type: "date", value: p.get("until") ?? "" });
  const filters = h(
    "form",
    {
      class: "toolbar",
      id: "finding-filters",
      onsubmit: (e: Event) => {
        e.preventDefault();
        const target = href("findings", { kind: kind.value, status: status.value, min: min.value, item: item.value, since: since.value, until: until.value });
        if (location.hash === target) reload();
        else location.hash = target;
      },
    },
    kindLabel,
    kind,
    statusLabel,
    status,
    h("label", { for: "f-min" }, "Score ≥"),
    min,
    h("label", { for: "f-item" }, "Item"),
    item,
    h("label", { for: "f-since", title: "suggested on or after (UTC)" }, "From"),
    since,
    h("label", { for: "f-until", title: "suggested on or before (UTC)" }, "to"),
    until,
    h("button", { type: "submit" }, "Filter"),
  );
  for (const el of [kind, status]) el.addEventListener("change", () => filters.requestSubmit());

  const body = h("div");
  const reload = () =>
    loadInto(body, async () => {
      const all = await api.findings({
        kind: p.get("kind") ?? "",
        status: p.get("status") ?? "",
        min_score: p.get("min") ?? "",
        item: p.get("item") ?? "",
      });
      // The API filters by kind, status, score and item; the dates (when suggested) are filtered here.
      const day = (f: Finding) => (f.created_at ?? "").slice(0, 10);
      const findings = all.filter((f) => (!p.get("since") || day(f) >= p.get("since")!) && (!p.get("until") || day(f) <= p.get("until")!));
      return table(findings, reload);
    });
  root.replaceChildren(pageTitle("Findings"), filters, body);
  reload();
}

function table(findings: Finding[], reload: () => void): Node[] {
  if (findings.length === 0) return [h("p", { class: "muted" }, "No finding matches these filters.")];
  const writable = canWrite();
  const checks = new Map<number, HTMLInputElement>();
  const reason = h("input", { id: "bulk-reason", placeholder: "reason (needed to reject)", size: 30 });
  const selectedIds = () => Array.from(checks).filter(([, c]) => c.checked).map(([id]) => id);
  const count = h("span", { class: "muted", id: "selected-count" }, "0 selected");
  const updateCount = () => (count.textContent = `${selectedIds().length} selected`);
  const bulk = (action: "accept" | "reject") => (e: Event) =>
    act(e.currentTarget as HTMLButtonElement, async () => {
      const ids = selectedIds();
      if (ids.length === 0) throw new Error("Select findings first (the boxes on the left).");
      if (action === "reject" && !reason.value.trim()) {
        reason.focus();
        throw new Error("A rejection needs a reason: whoever reads the case later must see why.");
      }
      await api.decideMany(ids, action, reason.value.trim());
      showInfo(`${ids.length} finding(s) ${action}ed.`);
      reload();
    });
  const all = h("input", {
    type: "checkbox",
    "aria-label": "Select all",
    id: "select-all",
    onchange: (e: Event) => {
      for (const c of checks.values()) c.checked = (e.target as HTMLInputElement).checked;
      updateCount();
    },
  });
  const rows = findings.map((f) => {
    const check = h("input", { type: "checkbox", "aria-label": `Select finding ${f.id}`, onchange: updateCount });
    checks.set(f.id, check);
    const last = f.decisions?.[f.decisions.length - 1];
    const decide = h("div", { class: "row-actions" });
    const showButtons = () => {
      decide.replaceChildren(h("a", { href: href(`compare/${f.id}`), class: "button compare", "data-finding": f.id }, "Compare"));
      if (writable) {
        decide.append(
          h("button", { class: "accept", "data-finding": f.id, onclick: () => ask("accept") }, "Accept"),
          h("button", { class: "reject", "data-finding": f.id, onclick: () => ask("reject") }, "Reject"),
        );
      }
    };
    const ask = (action: "accept" | "reject") => {
      const why = h("input", { class: "reason", placeholder: action === "reject" ? "reason (required)" : "reason (optional)", "aria-label": `Reason to ${action} finding ${f.id}`, required: action === "reject" });
      const ok = h("button", { type: "submit", class: `confirm-${action}` }, action === "accept" ? "Confirm accept" : "Confirm reject");
      decide.replaceChildren(
        h(
          "form",
          {
            class: "decide",
            onsubmit: (e: Event) => {
              e.preventDefault();
              act(ok, async () => {
                await api.decide(f.id, action, why.value.trim());
                showInfo(`Finding ${f.id} ${action}ed.`);
                reload();
              });
            },
            onkeydown: (e: KeyboardEvent) => {
              if (e.key === "Escape") showButtons();
            },
          },
          why,
          ok,
          h("button", { type: "button", onclick: showButtons }, "Cancel"),
        ),
      );
      why.focus();
    };
    showButtons();
    return h(
      "tr",
      { "data-finding": f.id, "data-status": f.status },
      writable ? h("td", null, check) : null,
      h("td", null, String(f.id)),
      h("td", null, f.kind),
      h("td", null, h("a", { href: href(`items/${f.a}`) }, `#${f.a}`), " ↔ ", h("a", { href: href(`items/${f.b}`) }, `#${f.b}`)),
      h("td", { class: "num" }, formatScore(f.score)),
      h("td", null, h("span", { class: `status-${f.status}` }, f.status), last ? h("div", { class: "muted small" }, `${last.actor}${last.reason ? `: ${last.reason}` : ""}`) : null),
      h("td", { class: "small" }, summary(f)),
      h("td", { class: "actions" }, decide),
    );
  });
  const nodes: Node[] = [];
  if (writable) {
    nodes.push(
      h(
        "div",
        { class: "toolbar bulk" },
        count,
        reason,
        h("button", { onclick: bulk("accept"), id: "bulk-accept" }, "Accept selected"),
        h("button", { onclick: bulk("reject"), id: "bulk-reject" }, "Reject selected"),
      ),
    );
  }
  nodes.push(
    h(
      "table",
      { class: "grid", id: "findings" },
      h("thead", null, h("tr", null, writable ? h("th", null, all) : null, ["#", "Kind", "Items", "Score", "Status", "Evidence", ""].map((t) => h("th", { scope: "col" }, t)))),
      h("tbody", null, rows),
    ),
  );
  return nodes;
}
