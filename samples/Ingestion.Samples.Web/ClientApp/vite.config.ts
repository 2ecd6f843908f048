/// <reference types="vitest/config" />
import { fileURLToPath } from "node:url";
import tailwindcss from "@tailwindcss/vite";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// Built into the host's wwwroot by `dotnet build` (see the .csproj). `npm run dev` serves the page with hot reload and
// forwards the API, the WebSocket and the hub to a host started with `dotnet run` on its default URL.
const host = process.env.INGESTION_HOST ?? "http://127.0.0.1:5080";

export default defineConfig({
  plugins: [react(), tailwindcss()],
  resolve: { alias: { "@": fileURLToPath(new URL("./src", import.meta.url)) } },
  build: { outDir: "../wwwroot", emptyOutDir: true },
  server: {
    proxy: {
      "/api": { target: host, ws: true },
      "/hubs": { target: host, ws: true },
    },
  },
  test: { environment: "node" },
});
