// Sources (#/sources) and claims (#/claims): the investigation record people write, listed with a
// form to add one (editors and admins; every write is a custody entry under the user's name).
import { api, type Claim, type Source } from "../api";
import { h } from "../dom";
import { href } from "../route";
import { act, canWrite, loadInto, pageTitle, showInfo } from "../ui";

const SOURCE_KINDS = ["person", "account", "agency", "eyewitness", "organisation", "unknown"];
const CONFIDENCE = ["unconfirmed", "likely", "confirmed", "false"];

function field(id: string, label: string, input: HTMLElement): HTMLElement[] {
  return [h("label", { for: id }, label), input];
}

// A form that adds a record: labelled fields, and on submit `add` (which returns what to tell the
// user), then the form cleared and the list reloaded.
function addForm(id: string, title: string, fields: [string, HTMLElement][], submitLabel: string, add: () => Promise<string>, reload: () => void): HTMLElement {
  const submit = h("button", { type: "submit" }, submitLabel);
  return h(
    "form",
    {
      class: "add-form",
      id,
      onsubmit: (e: Event) => {
        e.preventDefault();
        act(submit, async () => {
          showInfo(await add());
          (e.target as HTMLFormElement).reset();
          reload();
        });
      },
    },
    h("h2", null, title),
    fields.map(([label, el]) => field(el.id, label, el)),
    submit,
  );
}

export function renderSources(root: HTMLElement): void {
  const list = h("div");
  const reload = () =>
    loadInto(list, async () => {
      const sources = await api.sources();
      if (sources.length === 0) return h("p", { class: "muted" }, "No sources recorded yet.");
      return h(
        "table",
        { class: "grid", id: "sources" },
        h("thead", null, h("tr", null, ["#", "Name", "Kind", "Account", "Items", "Note"].map((t) => h("th", { scope: "col" }, t)))),
        h("tbody", null, sources.map(sourceRow)),
      );
    });
  const nodes: Node[] = [pageTitle("Sources")];
  if (canWrite()) {
    const name = h("input", { id: "src-name", required: true });
    const kind = h("select", { id: "src-kind" }, SOURCE_KINDS.map((k) => h("option", { value: k }, k)));
    const handle = h("input", { id: "src-handle", placeholder: "@name" });
    const platform = h("input", { id: "src-platform", placeholder: "Telegram, X, …" });
    const url = h("input", { id: "src-url", type: "url" });
    const note = h("input", { id: "src-note" });
    nodes.push(
      addForm("add-source", "Add a source", [["Name", name], ["Kind", kind], ["Handle", handle], ["Platform", platform], ["URL", url], ["Note", note]], "Add source", async () => {
        const body: Record<string, string> = { name: name.value.trim(), kind: kind.value };
        for (const [k, el] of Object.entries({ handle, platform, url, note })) if (el.value.trim()) body[k] = el.value.trim();
        const s = await api.addSource(body);
        return `Source ${s?.id ?? ""} added.`;
      }, reload),
    );
  }
  nodes.push(list);
  root.replaceChildren(...nodes);
  reload();
}

function sourceRow(s: Source): HTMLElement {
  return h(
    "tr",
    null,
    h("td", null, String(s.id)),
    h("td", null, s.name),
    h("td", null, s.kind),
    h("td", null, [s.handle, s.platform].filter(Boolean).join(" on "), s.url ? [" ", h("a", { href: s.url, rel: "noreferrer noopener", target: "_blank" }, "profile")] : null),
    h("td", null, (s.items ?? []).map((i, n) => [n ? ", " : "", h("a", { href: href(`items/${i.item}`) }, `#${i.item}`)])),
    h("td", { class: "small" }, s.note ?? ""),
  );
}

export function renderClaims(root: HTMLElement): void {
  const list = h("div");
  const reload = () =>
    loadInto(list, async () => {
      const claims = await api.claims();
      if (claims.length === 0) return h("p", { class: "muted" }, "No claims recorded yet.");
      return h("ul", { class: "claims", id: "claims" }, claims.map(claimItem));
    });
  const nodes: Node[] = [pageTitle("Claims")];
  if (canWrite()) {
    const statement = h("textarea", { id: "claim-statement", rows: 2, cols: 60, required: true });
    const confidence = h("select", { id: "claim-confidence" }, CONFIDENCE.map((c) => h("option", { value: c }, c)));
    const reason = h("input", { id: "claim-reason", size: 40 });
    const supports = h("input", { id: "claim-supports", placeholder: "finding:1, item:3", size: 30 });
    const contradicts = h("input", { id: "claim-contradicts", placeholder: "observation:2", size: 30 });
    const refs = (el: HTMLInputElement) =>
      el.value
        .split(/[\s,]+/)
        .map((r) => r.trim())
        .filter(Boolean);
    nodes.push(
      addForm("add-claim", "Add a claim", [["Statement", statement], ["Confidence", confidence], ["Reason", reason], ["Supported by", supports], ["Contradicted by", contradicts]], "Add claim", async () => {
        const body: Record<string, unknown> = { statement: statement.value.trim(), confidence: confidence.value, supports: refs(supports), contradicts: refs(contradicts) };
        if (reason.value.trim()) body.reason = reason.value.trim();
        const c = await api.addClaim(body);
        return `Claim ${c?.id ?? ""} added.`;
      }, reload),
    );
  }
  nodes.push(list);
  root.replaceChildren(...nodes);
  reload();
}

function refLink(ref: string): Node {
  const [kind, id] = ref.split(":");
  if (kind === "item") return h("a", { href: href(`items/${id}`) }, ref);
  if (kind === "finding") return h("a", { href: href(`compare/${id}`) }, ref);
  return document.createTextNode(ref);
}

function claimItem(c: Claim): HTMLElement {
  return h(
    "li",
    { class: "claim" },
    h("span", { class: `confidence confidence-${c.confidence}` }, c.confidence),
    " ",
    h("strong", null, c.statement),
    c.reason ? h("div", { class: "muted small" }, `${c.decided_by ?? ""}: ${c.reason}`) : null,
    c.evidence.length
      ? h("ul", { class: "small" }, c.evidence.map((e) => h("li", null, `${e.role} `, refLink(e.ref), e.note ? ` — ${e.note}` : "")))
      : null,
  );
}
