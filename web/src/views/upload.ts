// Upload (#/upload): files dropped or chosen are sent in chunks (POST /api/uploads, PUT chunks at
// ?offset=, POST finish). Each upload can be paused, resumed and aborted; an interrupted one
// resumes where the server says it stopped (also after a reload, when the same file is dropped
// again). Nothing enters the case until finish succeeds.
import { ApiError, putWithProgress, request, type Item } from "../api";
import { formatBytes, h } from "../dom";
import { href } from "../route";
import { canWrite, pageTitle, showError } from "../ui";

const CHUNK = 4 * 1024 * 1024; // the API takes at most 8 MiB a chunk

type State = "queued" | "uploading" | "paused" | "finishing" | "done" | "failed" | "aborted";

class Upload {
  id: string | null = null;
  offset = 0;
  chunkMax = CHUNK;
  state: State = "queued";
  message = "";
  item: Item | null = null;
  private controller: AbortController | null = null;
  readonly row: HTMLElement;
  private readonly bar: HTMLProgressElement;
  private readonly text: HTMLElement;
  private readonly buttons: HTMLElement;

  constructor(readonly file: File) {
    this.bar = h("progress", { max: file.size || 1, value: 0, "aria-label": `Progress of ${file.name}` });
    this.text = h("span", { class: "small" });
    this.buttons = h("span", { class: "buttons" });
    this.row = h("li", { class: "upload", "data-name": file.name }, h("strong", null, file.name), " ", h("span", { class: "muted small" }, formatBytes(file.size)), this.bar, this.text, this.buttons);
    this.draw();
  }

  private get key(): string {
    return `sightline.upload:${this.file.name}:${this.file.size}:${this.file.lastModified}`;
  }

  private draw(): void {
    this.bar.value = this.offset;
    this.row.dataset.state = this.state;
    const pct = this.file.size ? Math.floor((100 * this.offset) / this.file.size) : 100;
    const words: Record<State, string> = {
      queued: "waiting",
      uploading: `${pct} %`,
      paused: `paused at ${pct} %`,
      finishing: "ingesting…",
      done: "stored",
      failed: "failed",
      aborted: "aborted",
    };
    this.text.replaceChildren(`${words[this.state]}${this.message ? `: ${this.message}` : ""}`);
    if (this.state === "done" && this.item) {
      this.text.append(" ", h("a", { href: href(`items/${this.item.id}`), class: "uploaded-item" }, `item ${this.item.id}`));
    }
    const b: HTMLElement[] = [];
    if (this.state === "uploading") b.push(h("button", { onclick: () => this.pause() }, "Pause"));
    if (this.state === "paused" || this.state === "failed") b.push(h("button", { onclick: () => this.resume() }, "Resume"));
    if (["queued", "uploading", "paused", "failed"].includes(this.state)) b.push(h("button", { onclick: () => this.abort() }, "Abort"));
    this.buttons.replaceChildren(...b);
  }

  pause(): void {
    if (this.state !== "uploading") return;
    this.state = "paused";
    this.controller?.abort();
    this.draw();
  }

  /** Back in the queue: it goes on when no other upload is running. */
  resume(): void {
    if (this.state !== "paused" && this.state !== "failed") return;
    this.state = "queued";
    this.message = "";
    this.draw();
    runQueue();
  }

  async abort(): Promise<void> {
    this.controller?.abort();
    this.state = "aborted";
    this.message = "";
    this.draw();
    localStorage.removeItem(this.key);
    if (this.id) {
      try {
        await request<void>(`/api/uploads/${encodeURIComponent(this.id)}`, { method: "DELETE" });
      } catch (e) {
        if (!(e instanceof ApiError && e.status === 404)) showError(e);
      }
    }
  }

  async run(): Promise<void> {
    if (this.state === "uploading" || this.state === "finishing" || this.state === "done") return;
    this.state = "uploading";
    this.message = "";
    this.controller = new AbortController();
    const signal = this.controller.signal;
    this.draw();
    try {
      if (!this.id) await this.open(signal);
      while (this.offset < this.file.size) {
        const end = Math.min(this.file.size, this.offset + Math.min(CHUNK, this.chunkMax));
        try {
          const from = this.offset;
          const r = await putWithProgress<{ received: number }>(
            `/api/uploads/${encodeURIComponent(this.id!)}?offset=${from}`,
            this.file.slice(from, end),
            (sent) => {
              this.bar.value = from + sent;
            },
            signal,
          );
          this.offset = typeof r?.received === "number" ? r.received : end;
        } catch (e) {
          // 409: the server has another count (a chunk whose answer was lost): go on from there.
          const received = (e instanceof ApiError && e.status === 409 ? (e.body as { received?: number } | null)?.received : undefined);
          if (typeof received !== "number") throw e;
          this.offset = received;
        }
        this.draw();
      }
      this.state = "finishing";
      this.draw();
      const done = await request<{ item: Item; status?: string; message?: string }>(`/api/uploads/${encodeURIComponent(this.id!)}/finish`, { method: "POST", signal });
      this.item = done.item;
      this.state = "done";
      if (done.status === "flagged") this.message = `flagged: ${done.message ?? "not readable as media"}`;
      localStorage.removeItem(this.key);
    } catch (e) {
      if ((e as Error).name === "AbortError") return; // paused or aborted: already drawn
      if (e instanceof ApiError && e.status === 409) {
        const existing = (e.body as { item?: Item } | null)?.item;
        this.state = "done";
        this.item = existing ?? null;
        this.message = `already in the case${existing ? ` as ${existing.name}` : ""} (${e.message})`;
        localStorage.removeItem(this.key);
      } else {
        this.state = "failed";
        this.message = e instanceof Error ? e.message : String(e);
        if (e instanceof ApiError && e.status === 0) this.message += " — press Resume when the server is back";
        // The server's offset is the truth after a failed chunk: ask it before resuming.
        if (this.id) await this.sync().catch(() => {});
      }
    } finally {
      this.controller = null;
      this.draw();
    }
  }

  /** Starts a new upload, or takes up the one this file began before a reload. */
  private async open(signal: AbortSignal): Promise<void> {
    const previous = localStorage.getItem(this.key);
    if (previous) {
      this.id = previous;
      try {
        await this.sync();
        return;
      } catch {
        this.id = null;
        this.offset = 0;
        localStorage.removeItem(this.key);
      }
    }
    const r = await request<{ id: string | number; chunk_max?: number }>("/api/uploads", { json: { name: this.file.name, size: this.file.size }, signal });
    this.id = String(r.id);
    if (typeof r.chunk_max === "number" && r.chunk_max > 0) this.chunkMax = r.chunk_max;
    this.offset = 0;
    localStorage.setItem(this.key, this.id);
  }

  private async sync(): Promise<void> {
    const r = await request<{ received: number }>(`/api/uploads/${encodeURIComponent(this.id!)}`);
    if (typeof r.received === "number") this.offset = r.received;
  }
}

let uploads: Upload[] = [];

async function runQueue(): Promise<void> {
  // One upload at a time: the desk's link is shared, and the order of ingest stays the drop order.
  // A paused upload lets the next one go; resumed, it waits for its turn again.
  for (const u of uploads) if (u.state === "uploading" || u.state === "finishing") return;
  const next = uploads.find((u) => u.state === "queued");
  if (!next) return;
  await next.run();
  runQueue();
}

export function renderUpload(root: HTMLElement): void {
  const title = pageTitle("Upload");
  if (!canWrite()) {
    root.replaceChildren(title, h("p", { class: "error-box" }, "Viewers cannot upload: ask an admin for an editor account."));
    return;
  }
  const list = h("ul", { class: "uploads", id: "uploads" });
  for (const u of uploads) list.append(u.row);
  const input = h("input", { type: "file", multiple: true, id: "upload-input", class: "visually-hidden" });
  const add = (files: FileList | null) => {
    for (const f of Array.from(files ?? [])) {
      const u = new Upload(f);
      uploads.push(u);
      list.append(u.row);
    }
    runQueue();
  };
  input.addEventListener("change", () => {
    add(input.files);
    input.value = "";
  });
  const zone = h(
    "div",
    {
      class: "dropzone",
      id: "dropzone",
      tabindex: 0,
      role: "button",
      "aria-label": "Drop files here, or press Enter to choose files",
      onclick: () => input.click(),
      onkeydown: (e: KeyboardEvent) => {
        if (e.key === "Enter" || e.key === " ") {
          e.preventDefault();
          input.click();
        }
      },
      ondragover: (e: DragEvent) => {
        e.preventDefault();
        zone.classList.add("over");
      },
      ondragleave: () => zone.classList.remove("over"),
      ondrop: (e: DragEvent) => {
        e.preventDefault();
        zone.classList.remove("over");
        add(e.dataTransfer?.files ?? null);
      },
    },
    h("strong", null, "Drop clips and photos here"),
    h("span", { class: "muted" }, " or press Enter to choose files. Large files go in 4 MiB chunks; pause, resume or abort any time."),
  );
  const clearDone = h(
    "button",
    {
      onclick: () => {
        uploads = uploads.filter((u) => !["done", "aborted"].includes(u.state));
        list.replaceChildren(...uploads.map((u) => u.row));
      },
    },
    "Clear finished",
  );
  root.replaceChildren(title, zone, input, h("div", { class: "toolbar" }, clearDone, h("a", { href: "#/items" }, "Back to the items")), list);
}
