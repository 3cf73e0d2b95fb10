/// <reference types="vitest/config" />
import tailwindcss from "@tailwindcss/vite";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// The build goes inside the Python package, where `onair serve` finds it (never committed).
// `npm run dev` proxies the API to an `onair serve` on the default port.
const api = "http://127.0.0.1:8000";

export default defineConfig({
  plugins: [react(), tailwindcss()],
  build: { outDir: "../src/onair/studio", emptyOutDir: true, sourcemap: false },
  server: {
    proxy: {
      "/api": { target: api, ws: true },
      "/graphql": api,
    },
  },
  test: { environment: "happy-dom", include: ["tests/**/*.test.ts?(x)"] },
});
