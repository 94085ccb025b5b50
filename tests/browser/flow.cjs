// The browser flow of tests/browser/run.sh (which sets the environment below). Each step waits
// for what a person would see, takes a screenshot and checks it is not blank; every request the
// browser makes is recorded, and any to a host other than the loopback server fails the test
// (such requests are also blocked, so nothing leaves the machine even then).
"use strict";
const fs = require("fs");
const path = require("path");
const { decodePng, colourStats } = require("./png.cjs");
const { chromium } = require(process.env.PLAYWRIGHT_CORE);

const base = new URL(process.env.SIGHTLINE_URL);
const shots = process.env.SIGHTLINE_SHOTS;
const uploadPath = process.env.SIGHTLINE_UPLOAD;
const STEP_MS = 20000;

const outside = [];
let requests = 0;
const problems = [];
let current = "start";

function isLocal(u) {
  if (u.startsWith("data:") || u.startsWith("blob:") || u === "about:blank") return true;
  try {
    return new URL(u).host === base.host;
  } catch {
    return false;
  }
}

async function shot(page, name) {
  const file = path.join(shots, `${name}.png`);
  await page.screenshot({ path: file, fullPage: false });
  const stats = colourStats(decodePng(fs.readFileSync(file)));
  if (stats.distinct < 16 || stats.topShare > 0.97) {
    throw new Error(`screenshot ${name}.png looks blank: ${stats.distinct} colours, the commonest covers ${(100 * stats.topShare).toFixed(1)} %`);
  }
  console.log(`  ok  ${name} (${stats.distinct} colours)`);
}

async function step(name, work) {
  current = name;
  const t0 = Date.now();
  await work();
  console.log(`      ${name}: ${Date.now() - t0} ms`);
}

async function main() {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
      "--disable-sync", "--no-first-run", "--disable-default-apps", "--disable-extensions"],
  });
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: false });
    context.setDefaultTimeout(STEP_MS);
    await context.route("**/*", (route) => {
      const u = route.request().url();
      if (isLocal(u)) return route.continue();
      outside.push(u);
      return route.abort("blockedbyclient");
    });
    context.on("request", (r) => {
      requests++;
      if (!isLocal(r.url()) && !outside.includes(r.url())) outside.push(r.url());
    });
    const page = await context.newPage();
    page.on("pageerror", (e) => problems.push(`[${current}] page error: ${e.message}`));
    page.on("console", (m) => {
      if (m.type() === "error" && /Content.Security.Policy|Refused to/i.test(m.text())) problems.push(`[${current}] ${m.text()}`);
    });

    await step("login", async () => {
      await page.goto(base.href);
      await page.waitForSelector("#login-user");
      await shot(page, "01-login");
      await page.fill("#login-user", process.env.SIGHTLINE_USER);
      await page.fill("#login-password", process.env.SIGHTLINE_PASSWORD);
      await page.click("form.login button[type=submit]");
      await page.waitForSelector("header.top nav");
      await page.waitForSelector("#gallery .item-card");
    });

    let uploaded = 0;
    await step("upload", async () => {
      await page.goto(new URL("#/upload", base).href);
      await page.waitForSelector("#dropzone");
      // Drop the file on the zone as a person would drag it from the file manager.
      const bytes = fs.readFileSync(uploadPath).toString("base64");
      await page.evaluate(
        ({ name, b64 }) => {
          const bin = atob(b64);
          const data = new Uint8Array(bin.length);
          for (let i = 0; i < bin.length; i++) data[i] = bin.charCodeAt(i);
          const dt = new DataTransfer();
          dt.items.add(new File([data], name, { type: "video/mp4" }));
          const zone = document.getElementById("dropzone");
          zone.dispatchEvent(new DragEvent("dragover", { dataTransfer: dt, bubbles: true, cancelable: true }));
          zone.dispatchEvent(new DragEvent("drop", { dataTransfer: dt, bubbles: true, cancelable: true }));
        },
        { name: path.basename(uploadPath), b64: bytes },
      );
      const row = page.locator("#uploads li.upload").first();
      await page.waitForFunction(() => {
        const li = document.querySelector("#uploads li.upload");
        return li && ["done", "failed", "aborted"].includes(li.dataset.state);
      });
      const state = await row.getAttribute("data-state");
      const text = (await row.innerText()).replace(/\s+/g, " ");
      if (state !== "done") throw new Error(`the upload ended ${state}: ${text}`);
      const link = await row.locator("a.uploaded-item").getAttribute("href");
      uploaded = Number((link || "").split("/").pop());
      if (!uploaded) throw new Error(`the upload gave no item link: ${text}`);
      await shot(page, "02-upload");
    });

    await step("upload pause, resume and abort", async () => {
      // Chunks slowed down (in the browser, before they leave it) so that a person could press
      // Pause between two; 8.5 MiB of bytes that are not media: three chunks, stored as flagged.
      let slow = true;
      await page.route("**/api/uploads/*?offset=*", async (route) => {
        if (slow) await new Promise((r) => setTimeout(r, 300));
        // A chunk cancelled meanwhile (Pause, Abort) is already handled by the browser.
        await route.continue().catch(() => {});
      });
      const big = Buffer.alloc(8.5 * 1024 * 1024);
      for (let i = 0; i < big.length; i++) big[i] = (i * 2654435761) >>> 24;
      await page.setInputFiles("#upload-input", [{ name: "large.bin", mimeType: "application/octet-stream", buffer: big }]);
      const large = page.locator('#uploads li.upload[data-name="large.bin"]');
      // Until the server has acknowledged a first chunk (the row says "N %" with N > 0).
      const progressOf = (name) => page.waitForFunction((n) => {
        const li = document.querySelector(`#uploads li.upload[data-name="${n}"]`);
        const m = li && /(\d+) %/.exec(li.textContent);
        return m && Number(m[1]) > 0;
      }, name);
      await progressOf("large.bin");
      await large.locator("button", { hasText: "Pause" }).click();
      await page.waitForSelector('#uploads li.upload[data-name="large.bin"][data-state="paused"]');
      const pausedAt = await large.locator("progress").evaluate((p) => p.value);
      if (!(pausedAt > 0 && pausedAt < big.length)) throw new Error(`paused at ${pausedAt} bytes of ${big.length}`);
      await large.locator("button", { hasText: "Resume" }).click();
      await page.waitForSelector('#uploads li.upload[data-name="large.bin"][data-state="done"]', { timeout: 30000 });
      // Another file, aborted after its first chunk: the server is told to drop it.
      await page.setInputFiles("#upload-input", [{ name: "abandoned.bin", mimeType: "application/octet-stream", buffer: big.subarray(0, 4.5 * 1024 * 1024) }]);
      await progressOf("abandoned.bin");
      const [deleted] = await Promise.all([
        page.waitForRequest((r) => r.method() === "DELETE" && /\/api\/uploads\/[0-9a-f]+$/.test(r.url())),
        page.locator('#uploads li.upload[data-name="abandoned.bin"] button', { hasText: "Abort" }).click(),
      ]);
      const del = await deleted.response();
      if (!del || del.status() !== 204) throw new Error(`DELETE of the aborted upload answered ${del ? del.status() : "nothing"}`);
      await page.waitForSelector('#uploads li.upload[data-name="abandoned.bin"][data-state="aborted"]');
      slow = false;
      await page.unroute("**/api/uploads/*?offset=*");
      await shot(page, "03-upload-resumed");
    });

    await step("gallery keyframes", async () => {
      await page.goto(new URL("#/items", base).href);
      const card = `#gallery .item-card[data-item="${uploaded}"]`;
      await page.waitForSelector(card);
      // The keyframes are computed on first request (a decode): wait until some have loaded.
      await page.waitForFunction(
        (sel) => {
          const imgs = Array.from(document.querySelectorAll(`${sel} img.keyframe`));
          return imgs.length > 0 && imgs.every((i) => i.complete && i.naturalWidth > 0);
        },
        card,
        { timeout: 40000 },
      );
      const n = await page.locator(`${card} img.keyframe`).count();
      console.log(`      item ${uploaded}: ${n} keyframe(s) shown`);
      await shot(page, "04-gallery");
    });

    await step("player", async () => {
      await page.goto(new URL(`#/items/${uploaded}?t=1`, base).href);
      await page.waitForFunction(() => {
        const v = document.getElementById("player");
        return v && v.readyState >= 2 && Math.abs(v.currentTime - 1) < 0.05;
      });
      await page.locator("#frame-forward").focus();
      await page.keyboard.press("Enter");
      await page.locator("body").press(".");
      await page.waitForFunction(() => !document.getElementById("player").seeking);
      const t = await page.evaluate(() => document.getElementById("player").currentTime);
      // Two frames forward at 25 fps from 1 s: the middle of frame 27.
      if (Math.abs(t - 27.5 / 25) > 0.005) throw new Error(`two frame steps from 1 s went to ${t} s, not ${27.5 / 25} s`);
      await page.waitForFunction(() => /[?&]t=1\.1/.test(location.hash));
      await shot(page, "05-player");
    });

    let findingId = 0;
    await step("accept a finding", async () => {
      await page.goto(new URL("#/findings?status=suggested", base).href);
      const row = page.locator('#findings tbody tr[data-status="suggested"]').first();
      await row.waitFor();
      findingId = Number(await row.getAttribute("data-finding"));
      await row.locator("button.accept").click();
      await row.locator("input.reason").fill("same test pattern; b is a smaller re-encode of a");
      await row.locator("button.confirm-accept").click();
      // The queue reloads with the filter (suggested): the finding leaves it; check its status.
      await page.goto(new URL("#/findings", base).href);
      await page.waitForSelector(`#findings tbody tr[data-finding="${findingId}"][data-status="accepted"]`);
      await shot(page, "06-finding-accepted");
    });

    await step("compare", async () => {
      await page.locator(`#findings a.compare[data-finding="${findingId}"]`).click();
      await page.waitForSelector("#compare video.compare-a");
      await page.waitForFunction(() => {
        const v = Array.from(document.querySelectorAll("#compare video"));
        const pic = document.getElementById("match-picture");
        return v.length === 2 && v.every((x) => x.readyState >= 2) && pic && pic.complete && pic.naturalWidth > 0;
      });
      // Play both for a moment, then pause: b must follow a at the finding's offset.
      await page.click("#compare-play");
      await page.waitForTimeout(700);
      await page.click("#compare-play");
      await page.waitForTimeout(200);
      const [ta, tb] = await page.evaluate(() => Array.from(document.querySelectorAll("#compare video")).map((v) => v.currentTime));
      console.log(`      a at ${ta.toFixed(3)} s, b at ${tb.toFixed(3)} s`);
      if (!(ta > 0.2)) throw new Error(`item a did not play (at ${ta} s)`);
      if (Math.abs(ta - tb) > 0.25) throw new Error(`the two clips are not in sync: a at ${ta.toFixed(3)} s, b at ${tb.toFixed(3)} s (same footage from 0)`);
      if (!/#\/compare\/\d+\?t=/.test(page.url())) throw new Error(`the compare view's time is not in the address: ${page.url()}`);
      await shot(page, "07-compare");
    });

    await step("map", async () => {
      await page.goto(new URL("#/map?lat=48.85&lon=2.35&z=4", base).href);
      await page.waitForSelector("#map .leaflet-overlay-pane canvas, #map .leaflet-overlay-pane svg");
      await page.waitForTimeout(300);
      await shot(page, "08-map");
    });

    await step("report", async () => {
      await page.goto(new URL("#/report", base).href);
      await page.click("#build-report");
      const link = page.locator("#report-link");
      await link.waitFor({ timeout: 60000 });
      const href = await link.getAttribute("href");
      const report = await context.newPage();
      const res = await report.goto(new URL(href, base).href);
      if (!res || res.status() !== 200) throw new Error(`the report at ${href} answered ${res ? res.status() : "nothing"}`);
      const text = await report.innerText("body");
      for (const name of ["a.mp4", "b.mp4", path.basename(uploadPath)]) {
        if (!text.includes(name)) throw new Error(`the report does not name ${name}`);
      }
      await shot(report, "09-report");
      await report.close();
    });
    await context.close();
  } finally {
    await browser.close();
  }
}

main()
  .then(() => {
    if (outside.length) throw new Error(`requests to other hosts: ${outside.join(", ")}`);
    if (problems.length) throw new Error(problems.join("\n"));
    console.log(`      ${requests} requests, all to ${base.host}`);
  })
  .catch((e) => {
    console.error(`step "${current}": ${e.message}`);
    if (outside.length) console.error(`requests to other hosts: ${outside.join(", ")}`);
    for (const p of problems) console.error(p);
    process.exit(1);
  });
