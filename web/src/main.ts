// The workbench's shell: session check, header and navigation, and the hash router that shows
// one view at a time. Each view renders into <main> and may return a cleanup (stop videos, remove
// listeners) run before the next view.
import "./style.css";
import { api, ApiError, onBusy, onUnauthorized, setCsrf, type Session } from "./api";
import { h } from "./dom";
import { currentRoute, type Route } from "./route";
import { clearStatus, getSession, setSession, showError } from "./ui";
import { renderLogin } from "./views/login";
import { renderGallery, renderTriage } from "./views/items";
import { renderItem } from "./views/item";
import { renderUpload } from "./views/upload";
import { renderFindings } from "./views/findings";
import { renderCompare } from "./views/compare";
import { renderTimeline } from "./views/timeline";
import { renderSources, renderClaims } from "./views/records";
import { renderReport } from "./views/report";

export type Cleanup = (() => void) | void;
type View = (root: HTMLElement, route: Route) => Cleanup;

const views: Record<string, View> = {
  items: (root, route) => (route.parts.length > 1 ? renderItem(root, route) : renderGallery(root, route)),
  triage: renderTriage,
  upload: renderUpload,
  findings: renderFindings,
  compare: renderCompare,
  map: (root, route) => {
    // Leaflet and the map data load only when the map is opened.
    let cleanup: Cleanup;
    let gone = false;
    import("./views/map")
      .then((m) => {
        if (!gone) cleanup = m.renderMap(root, route);
      })
      .catch(showError);
    return () => {
      gone = true;
      if (cleanup) cleanup();
    };
  },
  timeline: renderTimeline,
  sources: renderSources,
  claims: renderClaims,
  report: renderReport,
};

const nav: Array<[string, string]> = [
  ["items", "Items"],
  ["triage", "Triage"],
  ["upload", "Upload"],
  ["findings", "Findings"],
  ["map", "Map"],
  ["timeline", "Timeline"],
  ["sources", "Sources"],
  ["claims", "Claims"],
  ["report", "Report"],
];

let cleanup: Cleanup;
let caseName = "";

function header(session: Session): HTMLElement {
  const current = currentRoute().parts[0] ?? "items";
  return h(
    "header",
    { class: "top" },
    h("a", { class: "brand", href: "#/items" }, "Sightline", caseName ? h("span", { class: "case-name" }, ` · ${caseName}`) : null),
    h(
      "nav",
      { "aria-label": "Views" },
      nav.map(([path, label]) =>
        h("a", { href: `#/${path}`, "aria-current": path === current ? "page" : false }, label),
      ),
    ),
    h(
      "div",
      { class: "who" },
      h("span", { title: `role: ${session.role}` }, `${session.user} (${session.role})`),
      h(
        "button",
        {
          class: "link",
          id: "logout",
          onclick: async () => {
            try {
              await api.logout();
            } catch (e) {
              if (!(e instanceof ApiError && e.status === 401)) showError(e);
            }
            signedOut();
          },
        },
        "Log out",
      ),
    ),
  );
}

function render(): void {
  if (cleanup) cleanup();
  cleanup = undefined;
  clearStatus();
  const headerSlot = document.getElementById("header")!;
  const main = document.getElementById("main")!;
  main.replaceChildren();
  const session = getSession();
  if (!session) {
    headerSlot.replaceChildren();
    cleanup = renderLogin(main, async (s) => {
      signedIn(s);
      const back = sessionStorage.getItem("sightline.after-login");
      sessionStorage.removeItem("sightline.after-login");
      if (back && back !== location.hash) location.hash = back;
      else render();
    });
    return;
  }
  let route = currentRoute();
  if (route.parts.length === 0 || !(route.parts[0] in views)) {
    history.replaceState(null, "", "#/items");
    route = currentRoute();
  }
  headerSlot.replaceChildren(header(session));
  cleanup = views[route.parts[0]](main, route);
  // Keyboard and screen-reader users start at the new view (unless it focused a field itself).
  if (!main.contains(document.activeElement)) main.focus({ preventScroll: true });
}

function signedIn(s: Session): void {
  setSession(s);
  setCsrf(s.csrf);
  api
    .caseSummary()
    .then((c) => {
      caseName = c.name;
      const slot = document.querySelector(".case-name");
      if (slot) slot.textContent = ` · ${caseName}`;
      else if (getSession()) document.getElementById("header")!.replaceChildren(header(getSession()!));
    })
    .catch(() => {});
}

function signedOut(): void {
  setSession(null);
  setCsrf("");
  render();
}

async function start(): Promise<void> {
  onBusy((b) => {
    document.body.classList.toggle("busy", b);
    document.getElementById("busy")!.textContent = b ? "Working…" : "";
  });
  onUnauthorized(() => {
    if (!getSession()) return;
    if (location.hash) sessionStorage.setItem("sightline.after-login", location.hash);
    signedOut();
    showError("Your session has ended: log in again.");
  });
  window.addEventListener("hashchange", render);
  document.getElementById("skip")!.addEventListener("click", (e) => {
    e.preventDefault();
    document.getElementById("main")!.focus();
  });
  try {
    signedIn(await api.me());
  } catch (e) {
    if (!(e instanceof ApiError && e.status === 401)) showError(e);
    if (location.hash && location.hash !== "#/") sessionStorage.setItem("sightline.after-login", location.hash);
  }
  render();
}

start();
