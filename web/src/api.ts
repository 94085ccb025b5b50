// The workbench's HTTP API (doc/api.md): one fetch wrapper that sends the session's CSRF token on
// every write, counts requests in flight for the busy indicator, and turns the API's
// {"error": "..."} bodies into ApiError with that message.

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly body: unknown = null,
  ) {
    super(message);
  }
}

export interface Session {
  user: string;
  role: "viewer" | "editor" | "admin";
  csrf: string;
}

let csrf = "";
let inFlight = 0;
const busyListeners: Array<(busy: boolean) => void> = [];
const authListeners: Array<() => void> = [];

export function setCsrf(token: string): void {
  csrf = token;
}

/** PUT of raw bytes with upload progress (fetch reports none): for the chunks of an upload. */
export function putWithProgress<T>(path: string, body: Blob, onProgress: (sent: number) => void, signal: AbortSignal): Promise<T> {
  return busy(
    () =>
      new Promise<T>((resolve, reject) => {
        const xhr = new XMLHttpRequest();
        xhr.open("PUT", path);
        xhr.setRequestHeader("Content-Type", "application/octet-stream");
        xhr.setRequestHeader("Accept", "application/json");
        xhr.setRequestHeader("X-CSRF-Token", csrf);
        xhr.upload.onprogress = (e) => onProgress(e.loaded);
        const aborted = () => reject(new DOMException("The upload was stopped.", "AbortError"));
        if (signal.aborted) return aborted();
        signal.addEventListener("abort", () => xhr.abort(), { once: true });
        xhr.onabort = aborted;
        xhr.onerror = () => reject(new ApiError(0, "Cannot reach the Sightline server. Is `sightline serve` still running?"));
        xhr.onload = () => {
          let parsed: unknown = null;
          try {
            parsed = xhr.responseText ? JSON.parse(xhr.responseText) : null;
          } catch {
            parsed = null;
          }
          if (xhr.status >= 200 && xhr.status < 300) return resolve(parsed as T);
          const message = (parsed as { error?: string } | null)?.error ?? `${xhr.status} ${xhr.statusText}`;
          if (xhr.status === 401) authListeners.forEach((l) => l());
          reject(new ApiError(xhr.status, message, parsed));
        };
        xhr.send(body);
      }),
  );
}

/** Called with true when the first request starts and false when the last one ends. */
export function onBusy(listener: (busy: boolean) => void): void {
  busyListeners.push(listener);
}

/** Called when the API answers 401 to anything but the login itself (the session expired). */
export function onUnauthorized(listener: () => void): void {
  authListeners.push(listener);
}

function setBusy(delta: number): void {
  const before = inFlight > 0;
  inFlight += delta;
  const after = inFlight > 0;
  if (before !== after) busyListeners.forEach((l) => l(after));
}

/** Runs `work` with the busy indicator on (for work that is not a single request). */
export async function busy<T>(work: () => Promise<T>): Promise<T> {
  setBusy(1);
  try {
    return await work();
  } finally {
    setBusy(-1);
  }
}

interface RequestOptions {
  method?: string;
  json?: unknown;
  body?: BodyInit;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  quiet401?: boolean;
}

async function errorMessage(res: Response): Promise<{ message: string; body: unknown }> {
  const text = await res.text().catch(() => "");
  try {
    const body = JSON.parse(text);
    if (body && typeof body.error === "string") return { message: body.error, body };
    return { message: `${res.status} ${res.statusText}`, body };
  } catch {
    const snippet = text.trim().slice(0, 200);
    return { message: `${res.status} ${res.statusText}${snippet ? `: ${snippet}` : ""}`, body: null };
  }
}

export async function request<T>(path: string, opts: RequestOptions = {}): Promise<T> {
  const method = opts.method ?? (opts.json !== undefined ? "POST" : "GET");
  const headers: Record<string, string> = { Accept: "application/json", ...opts.headers };
  let body = opts.body;
  if (opts.json !== undefined) {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify(opts.json);
  }
  if (method !== "GET" && method !== "HEAD") headers["X-CSRF-Token"] = csrf;
  setBusy(1);
  try {
    let res: Response;
    try {
      res = await fetch(path, { method, headers, body, signal: opts.signal, credentials: "same-origin" });
    } catch (e) {
      if ((e as Error).name === "AbortError") throw e;
      throw new ApiError(0, `Cannot reach the Sightline server (${(e as Error).message}). Is \`sightline serve\` still running?`);
    }
    if (!res.ok) {
      const { message, body: errBody } = await errorMessage(res);
      if (res.status === 401 && !opts.quiet401) authListeners.forEach((l) => l());
      throw new ApiError(res.status, message, errBody);
    }
    if (res.status === 204) return undefined as T;
    const type = res.headers.get("Content-Type") ?? "";
    if (!type.includes("json")) return (await res.text()) as unknown as T;
    return (await res.json()) as T;
  } finally {
    setBusy(-1);
  }
}

// ---- Shapes (as the CLI's --json; see doc/api.md) ----

export interface Item {
  id: number;
  name: string;
  sha256: string;
  size: number;
  kind: string | null;
  media_problem: string | null;
  ingested_at: string;
  other_names: string[];
}

export interface Anomaly {
  code: string;
  message: string;
}

export interface TimeValue {
  utc: string | null;
  local: string | null;
  zone: string | null;
  raw: string;
  source: string;
  unset?: boolean;
}

export interface Stream {
  type: string;
  codec?: string;
  width?: number;
  height?: number;
  frame_rate?: number;
  duration_s?: number;
  rotation?: number;
}

export interface Metadata {
  kind: string;
  anomalies: Anomaly[];
  container?: { duration_s?: number; format_long?: string } | null;
  device?: { make: string | null; model: string | null; software: string | null } | null;
  gps?: { lat: number; lon: number; alt_m?: number | null; source?: string } | null;
  software?: Array<{ source: string; value: string }>;
  streams?: Stream[];
  times?: Record<string, TimeValue | null>;
}

export interface ItemDetail {
  item: Item;
  names: Array<{ name: string; path: string; ingested_at: string; actor: string; source: string | null }>;
  metadata: Metadata | null;
  custody: Array<{ seq: number; time: string; actor: string; action: string }>;
}

export interface Keyframe {
  index: number;
  t: number;
  shot?: number;
  url: string;
}

export interface Heard {
  t: number | null;
  end?: number | null;
  kind: string;
  score?: number | null;
}

export interface Observation {
  id: number;
  item: number;
  kind: string;
  start_s: number | null;
  end_s: number | null;
  text: string;
  language?: string | null;
  original?: string | null;
  translation?: string | null;
  actor?: string;
}

export interface ItemEvents {
  heard: Heard[];
  text: Array<{ t: number | null; end?: number | null; text: string }>;
  observations: Observation[];
}

export interface Decision {
  status: string;
  reason: string;
  actor: string;
  time: string;
}

export interface Segment {
  a_start: number;
  a_end: number;
  b_start: number;
  b_end: number;
  score?: number;
  transform?: string;
}

export interface Finding {
  id: number;
  kind: string;
  a: number;
  b: number;
  score: number;
  status: string;
  analyzer: string;
  version: number;
  evidence: Record<string, unknown> & { offset_s?: number; segments?: Segment[] };
  created_at: string;
  decisions: Decision[];
}

export interface Interval {
  best?: string | null;
  earliest: string | null;
  latest: string | null;
}

export interface Timeline {
  items: Array<{
    item: number;
    name: string;
    duration_s: number | null;
    start: Interval | null;
    basis: Array<{ kind: string; detail: string; earliest: string | null; latest: string | null }>;
  }>;
  events: Array<{ observation: number; item: number; kind: string; text: string; offset_s: number; time: Interval | null }>;
  conflicts: Array<{ items: number[]; message: string }>;
}

export interface Location {
  id: number;
  item: number | null;
  observation: number | null;
  lat: number;
  lon: number;
  radius_m: number;
  method: string;
  note: string | null;
  actor?: string;
}

export interface GpsPosition {
  item: number;
  lat: number;
  lon: number;
  source: string;
}

export interface Source {
  id: number;
  kind: string;
  name: string;
  handle: string | null;
  platform: string | null;
  url: string | null;
  note: string | null;
  items?: Array<{ item: number; how: string | null; url: string | null }>;
}

export interface Claim {
  id: number;
  statement: string;
  confidence: string;
  reason: string | null;
  decided_by?: string;
  decided_at?: string;
  evidence: Array<{ id: number; role: string; ref: string; note?: string | null }>;
}

export interface CaseSummary {
  name: string;
  items: number;
  findings: { suggested: number; accepted: number; rejected: number };
}

// ---- Calls ----

export const api = {
  me: () => request<Session>("/api/me", { quiet401: true }),
  login: (user: string, password: string) =>
    request<Session>("/api/login", { json: { user, password }, quiet401: true }),
  logout: () => request<void>("/api/logout", { method: "POST" }),
  caseSummary: () => request<CaseSummary>("/api/case"),
  items: () => request<{ items: Item[] }>("/api/items").then((r) => r.items),
  item: (id: number) => request<ItemDetail>(`/api/items/${id}`),
  keyframes: (id: number) =>
    request<{ keyframes: Keyframe[] }>(`/api/items/${id}/keyframes`).then((r) => r.keyframes),
  events: (id: number) => request<ItemEvents>(`/api/items/${id}/events`),
  mediaUrl: (id: number) => `/api/items/${id}/media`,
  findings: (filter: Record<string, string> = {}) => {
    const q = new URLSearchParams(Object.entries(filter).filter(([, v]) => v !== ""));
    const qs = q.toString();
    return request<{ findings: Finding[] }>(`/api/findings${qs ? `?${qs}` : ""}`).then((r) => r.findings);
  },
  finding: async (id: number): Promise<Finding> => {
    try {
      return await request<Finding>(`/api/findings/${id}`);
    } catch (e) {
      if (!(e instanceof ApiError) || (e.status !== 404 && e.status !== 405)) throw e;
      const all = await api.findings();
      const f = all.find((x) => x.id === id);
      if (!f) throw new ApiError(404, `There is no finding ${id} in this case.`);
      return f;
    }
  },
  pictureUrl: (id: number) => `/api/findings/${id}/picture.jpg`,
  decide: (id: number, action: "accept" | "reject", reason: string) =>
    request<Finding>(`/api/findings/${id}/${action}`, { json: { reason } }),
  decideMany: (ids: number[], action: "accept" | "reject", reason: string) =>
    request<unknown>("/api/findings/decide", { json: { ids, action, reason } }),
  timeline: () => request<Timeline>("/api/timeline"),
  locations: () => request<{ locations: Location[]; gps?: GpsPosition[] }>("/api/locations"),
  sources: () => request<{ sources: Source[] }>("/api/sources").then((r) => r.sources),
  addSource: (s: Record<string, string>) => request<Source>("/api/sources", { json: s }),
  claims: () => request<{ claims: Claim[] }>("/api/claims").then((r) => r.claims),
  addClaim: (c: Record<string, unknown>) => request<Claim>("/api/claims", { json: c }),
  annotate: (id: number, o: Record<string, unknown>) => request<unknown>(`/api/items/${id}/observations`, { json: o }),
  locate: (id: number, l: Record<string, unknown>) => request<unknown>(`/api/items/${id}/location`, { json: l }),
  report: () => request<{ name?: string; url: string; json_url?: string }>("/api/report", { json: {} }),
};
