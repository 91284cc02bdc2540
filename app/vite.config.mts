// Vite configuration of the web app: React, sources in app/src, the build in app/dist (ignored). The app shares
// plain TypeScript from lib/ (quantities, enums, the config format), hence the file-system allowance.
import path from "node:path";
import { fileURLToPath } from "node:url";

import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";

const APP = path.dirname(fileURLToPath(import.meta.url));

export default defineConfig({
  root: APP,
  base: "./",
  plugins: [react()],
  build: { outDir: path.join(APP, "dist"), emptyOutDir: true, chunkSizeWarningLimit: 1024 },
  server: { host: "127.0.0.1", fs: { allow: [path.join(APP, "..")] } },
  test: {
    environment: "jsdom",
    include: ["test/**/*.test.{ts,tsx}"],
  },
});
