// Report export (#/report): POST /api/report builds the case report on the server (HTML and JSON,
// as `sightline report`); the answer's URL is offered as a link.
import { api } from "../api";
import { h } from "../dom";
import { act, canWrite, pageTitle, showInfo } from "../ui";

export function renderReport(root: HTMLElement): void {
  const result = h("div", { id: "report-result", "aria-live": "polite" });
  const build = h("button", { class: "primary", id: "build-report", disabled: !canWrite() }, "Build the report");
  build.addEventListener("click", () =>
    act(build, async () => {
      result.replaceChildren(h("p", { class: "muted loading" }, "Building the report (this reads every item)…"));
      try {
        const r = await api.report();
        result.replaceChildren(
          h("p", null, "Report ready: ", h("a", { href: r.url, target: "_blank", rel: "noopener", id: "report-link" }, "open the report"), h("span", { class: "muted small" }, ` (${r.url})`), r.json_url ? [" · ", h("a", { href: r.json_url, target: "_blank", rel: "noopener" }, "report.json")] : null),
        );
        showInfo("Report built.");
      } catch (e) {
        result.replaceChildren();
        throw e;
      }
    }),
  );
  root.replaceChildren(
    pageTitle("Report"),
    h("p", null, "The report holds every item with its metadata, custody and findings, the decisions with their reasons, the claims and the map. Building it is recorded in custody."),
    h("p", { class: "muted", hidden: canWrite() }, "Viewers cannot build reports."),
    build,
    result,
  );
}
