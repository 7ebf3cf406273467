import { execFile } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { promisify } from "node:util";
import { defineConfig, type Options } from "tsup";
import ts from "typescript";

type Plugin = NonNullable<Options["esbuildPlugins"]>[number];

const SDK_ENTRY = resolve("src/index.ts");

interface ReExport {
  module: string;
  /** [exported name, name in the module] */
  names: [string, string][];
}

/**
 * The value re-exports of src/index.ts. It may hold only `export { … } from
 * "…"` (type-only exports are skipped): anything else fails the build rather
 * than being left out of the CJS entry.
 */
function sdkReExports(): ReExport[] {
  const text = readFileSync(SDK_ENTRY, "utf8");
  const source = ts.createSourceFile(SDK_ENTRY, text, ts.ScriptTarget.ES2022, true);
  const result: ReExport[] = [];
  for (const statement of source.statements) {
    const where = `src/index.ts:${source.getLineAndCharacterOfPosition(statement.getStart()).line + 1}`;
    if (!ts.isExportDeclaration(statement) || statement.moduleSpecifier === undefined || !ts.isStringLiteral(statement.moduleSpecifier)) {
      throw new Error(`${where}: the SDK entry may only re-export (\`export { … } from "…"\`): the CJS build makes each re-export lazy`);
    }
    if (statement.isTypeOnly) continue;
    const clause = statement.exportClause;
    if (clause === undefined || !ts.isNamedExports(clause)) {
      throw new Error(`${where}: name the exports (\`export { a, b } from\`), not \`export *\`: the CJS build needs each name`);
    }
    const names = clause.elements.filter((e) => !e.isTypeOnly).map((e): [string, string] => [e.name.text, (e.propertyName ?? e.name).text]);
    if (names.length > 0) result.push({ module: statement.moduleSpecifier.text, names });
  }
  return result;
}

/**
 * The CommonJS SDK, in two files generated from src/index.ts:
 *
 * - dist/index.cjs, a few KiB: one getter per exported name, so that
 *   `require("fleet-pipelines")` reads and runs almost nothing;
 * - dist/index-impl.cjs, the SDK, required on the first access to any
 *   name, where each re-exported module is required when one of its names is
 *   first read. esbuild wraps a module reached through require() in a lazy
 *   initialiser (its own require() of packages included), so
 *   `.parseMatcher` runs the matchers and what they import, not the client.
 *
 * (ESM has no lazy named exports: the ESM entry is src/index.ts as written.)
 */
function lazyCjsEntry(part: "getters" | "impl"): string {
  const modules = sdkReExports();
  const lines = [`"use strict";`, `function once(load) { let m; return () => (m ??= load()); }`];
  if (part === "impl") {
    modules.forEach((m, i) => lines.push(`exports.m${i} = once(() => require(${JSON.stringify(m.module)}));`));
  } else {
    lines.push(`Object.defineProperty(exports, "__esModule", { value: true });`, `const sdk = once(() => require("./index-impl.cjs"));`);
    modules.forEach((m, i) => {
      for (const [name, from] of m.names) {
        lines.push(`Object.defineProperty(exports, ${JSON.stringify(name)}, { enumerable: true, get: () => sdk().m${i}()[${JSON.stringify(from)}] });`);
      }
    });
  }
  return lines.join("\n") + "\n";
}

function lazyCjsEntryPlugin(part: "getters" | "impl"): Plugin {
  return {
    name: `lazy-cjs-entry-${part}`,
    setup(build) {
      if (build.initialOptions.format !== "cjs") return;
      // A virtual .cjs module in place of src/index.ts: the extension makes esbuild read it as CommonJS.
      build.onResolve({ filter: /[\\/]index\.ts$/ }, (args) =>
        args.kind === "entry-point" && resolve(args.path) === SDK_ENTRY ? { path: `sdk-${part}.cjs`, namespace: "lazy-cjs-entry" } : undefined,
      );
      build.onLoad({ filter: /.*/, namespace: "lazy-cjs-entry" }, () => ({ contents: lazyCjsEntry(part), loader: "js", resolveDir: resolve("src") }));
      build.onResolve({ filter: /^\.\/index-impl\.cjs$/ }, (args) => ({ path: args.path, external: true }));
      if (part === "getters") {
        // The CJS emulator entry uses the SDK's client and error classes (from
        // index.cjs) rather than second copies, as the ESM build does through
        // its shared chunks: `instanceof` holds across the two entries.
        build.onResolve({ filter: /^\.\/client\/index\.js$/ }, (args) =>
          args.importer === resolve("src/emulator-entry.ts") ? { path: "./index.cjs", external: true } : undefined,
        );
        build.onResolve({ filter: /[\\/]errors[\\/]index\.js$/ }, (args) =>
          resolve(args.resolveDir, args.path) === resolve("src/errors/index.js") ? { path: "./index.cjs", external: true } : undefined,
        );
      }
    },
  };
}

/**
 * dist/cli-help.json: the root help and each command's help, as the built
 * CLI prints them. dist/cli.js answers `--help` and `<command> --help` from
 * it without loading the command (whose module loads the whole SDK); the
 * texts come from the commands themselves, in the same build.
 */
async function writeCliHelp(): Promise<void> {
  const file = resolve("dist/cli-help.json");
  rmSync(file, { force: true }); // so that the CLI below loads the commands for their help
  const run = async (...args: string[]): Promise<string> =>
    (await promisify(execFile)(process.execPath, [resolve("dist/cli.js"), ...args], { encoding: "utf8" })).stdout.replace(/\n$/, "");
  const root = await run("--help");
  const block = root.slice(root.indexOf("Commands:\n") + "Commands:\n".length).split("\n\n")[0] ?? "";
  const names = [...block.matchAll(/^ {2}(\S+) {2}/gm)].map((m) => m[1]!);
  if (names.length === 0) throw new Error("cli-help.json: no command found in `fleet-pipelines --help`");
  const commands = Object.fromEntries(await Promise.all(names.map(async (name) => [name, await run("help", name)] as const)));
  writeFileSync(file, JSON.stringify({ root, commands }, null, 2) + "\n");
}

export default defineConfig([
  {
    // The library: three entries, ESM (split into shared chunks) and CJS
    // (one file per entry, lazy inside), each with its own declarations.
    // No `splitting`/`treeshake` here: either would make tsup build the CJS
    // through ESM and hoist every require() to the top, undoing the laziness.
    entry: { index: "src/index.ts", emulator: "src/emulator-entry.ts", gen: "src/gen.ts" },
    format: ["esm", "cjs"],
    dts: true,
    // Maps carry their sources, so `node --enable-source-maps` shows the
    // TypeScript lines although src/ is not in the package.
    sourcemap: true,
    clean: true,
    target: "node20",
    platform: "node",
    esbuildPlugins: [lazyCjsEntryPlugin("getters")],
  },
  {
    // dist/index-impl.cjs: the CommonJS SDK behind dist/index.cjs's getters (see lazyCjsEntry).
    entry: { "index-impl": "src/index.ts" },
    format: ["cjs"],
    dts: false,
    sourcemap: true,
    clean: false,
    target: "node20",
    platform: "node",
    esbuildPlugins: [lazyCjsEntryPlugin("impl")],
  },
  {
    // The command line: ESM only, started by the shebang.
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
    onSuccess: writeCliHelp,
  },
]);
