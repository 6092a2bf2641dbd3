import { defineConfig } from "vite";

// Built at set-up time (scripts/setup.sh: npm ci && npm run build) into the folder
// `devlab serve` serves; every page lives under /devlab/.
export default defineConfig({
  base: "/devlab/",
  esbuild: { jsx: "automatic", jsxImportSource: "preact" },
  build: {
    outDir: "../src/devlab/server/static/dist",
    emptyOutDir: true,
    chunkSizeWarningLimit: 1200,
    sourcemap: false,
  },
  server: { proxy: { "/api": { target: "http://127.0.0.1:8000", ws: true } } },
});
