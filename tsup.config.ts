import { defineConfig } from "tsup";

export default defineConfig([
  {
    // The library: ESM and CJS, each with its own declarations.
    entry: { index: "src/index.ts", gen: "src/gen.ts" },
    format: ["esm", "cjs"],
    dts: true,
    sourcemap: true,
    clean: true,
    target: "node20",
    platform: "node",
    splitting: true,
    treeshake: true,
  },
  {
    // The command line: ESM only, one file, started by the shebang.
    entry: { cli: "src/cli/main.ts" },
    format: ["esm"],
    dts: false,
    sourcemap: true,
    clean: false,
    target: "node20",
    platform: "node",
    // Split so that `--version` and `--help` load none of the heavy modules.
    splitting: true,
    banner: { js: "#!/usr/bin/env node" },
  },
]);
