// Shared pieces of the page: the status line (errors and confirmations, announced to screen
// readers) and the session the views consult for the user's role.
import { ApiError, type Session } from "./api";
import { h } from "./dom";

let session: Session | null = null;

export function setSession(s: Session | null): void {
  session = s;
}

export function getSession(): Session | null {
  return session;
}

/** Editors and admins write; viewers only read (the server enforces it too: 403). */
export function canWrite(): boolean {
  return session !== null && session.role !== "viewer";
}

function statusEl(): HTMLElement {
  return document.getElementById("status")!;
}

export function showError(e: unknown): void {
  const message =
    e instanceof ApiError ? e.message : e instanceof Error ? e.message : typeof e === "string" ? e : "Something went wrong.";
  const el = statusEl();
  el.className = "status error";
  el.replaceChildren(h("span", null, message), h("button", { class: "link", onclick: clearStatus, "aria-label": "Dismiss" }, "×"));
}

export function showInfo(message: string): void {
  const el = statusEl();
  el.className = "status info";
  el.replaceChildren(h("span", null, message), h("button", { class: "link", onclick: clearStatus, "aria-label": "Dismiss" }, "×"));
}

export function clearStatus(): void {
  const el = statusEl();
  el.className = "status";
  el.replaceChildren();
}

/** Runs an action from a button: errors go to the status line; the button is disabled meanwhile. */
export async function act(button: HTMLButtonElement | null, work: () => Promise<void>): Promise<void> {
  if (button) button.disabled = true;
  try {
    await work();
  } catch (e) {
    if ((e as Error).name !== "AbortError") showError(e);
  } finally {
    if (button) button.disabled = false;
  }
}

/** A view's loading placeholder and error state in one: renders `load`'s result or its error. */
export async function loadInto(root: HTMLElement, load: () => Promise<Node | Node[]>): Promise<void> {
  root.replaceChildren(h("p", { class: "muted loading" }, "Loading…"));
  try {
    const nodes = await load();
    root.replaceChildren(...(Array.isArray(nodes) ? nodes : [nodes]));
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    root.replaceChildren(h("p", { class: "error-box", role: "alert" }, message));
    if (!(e instanceof ApiError && e.status === 401)) showError(e);
  }
}

export function pageTitle(text: string): HTMLElement {
  document.title = `${text} — Sightline`;
  return h("h1", null, text);
}
