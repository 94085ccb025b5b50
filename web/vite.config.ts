// Vite builds the workbench into web/dist, which `sightline serve` serves at `/`.
// Everything is bundled: no CDN, no web font, no map tiles, so the page never asks another host.
import { defineConfig } from "vite";

export default defineConfig({
  base: "./",
  build: {
    outDir: "dist",
    emptyOutDir: true,
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 1024,
    reportCompressedSize: false,
  },
  server: {
    // The map reads ../third_party/naturalearth/world_50m.txt; `npm run dev` proxies /api/ to a
    // running `sightline serve --listen 127.0.0.1:8765`.
    fs: { allow: [".."] },
    proxy: { "/api": "http://127.0.0.1:8765" },
  },
});
