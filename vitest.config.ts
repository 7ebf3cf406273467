import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: {
    // Examples import the package by name, as users do; resolve it to the sources.
    alias: [
      { find: /^fleet-pipelines\/emulator$/, replacement: fileURLToPath(new URL("./src/emulator-entry.ts", import.meta.url)) },
      { find: /^fleet-pipelines\/gen$/, replacement: fileURLToPath(new URL("./src/gen.ts", import.meta.url)) },
      { find: /^fleet-pipelines$/, replacement: fileURLToPath(new URL("./src/index.ts", import.meta.url)) },
    ],
  },
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
