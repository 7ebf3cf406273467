import { execFile } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { promisify } from "node:util";
import { defineConfig, type Options } from "tsup";
import ts from "typescript";

type Plugin = NonNullable<Options["esbuildPlugins"]>[number];

const SDK_ENTRY = resolve("src/index.ts");

/**
 * The CommonJS SDK entry, generated from src/index.ts: every name becomes a
 * getter that requires its module on first access. esbuild wraps a module
 * reached through require() in a lazy initialiser (its own `require()`s of
 * packages included), so `require("fleet-pipelines")` runs almost nothing
 * and `.parseMatcher` loads the matchers alone. (ESM has no lazy named
 * exports; the ESM entry is src/index.ts as written.)
 *
 * src/index.ts may hold only `export { … } from "…"` (and type-only exports,
 * which are skipped): anything else fails the build rather than being lost.
 */
function lazyCjsEntry(): string {
  const text = readFileSync(SDK_ENTRY, "utf8");
  const source = ts.createSourceFile(SDK_ENTRY, text, ts.ScriptTarget.ES2022, true);
  const lines = [
    `"use strict";`,
    `Object.defineProperty(exports, "__esModule", { value: true });`,
    `function once(load) { let m; return () => (m ??= load()); }`,
  ];
  let modules = 0;
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
    const values = clause.elements.filter((e) => !e.isTypeOnly);
    if (values.length === 0) continue;
    const load = `m${modules++}`;
    lines.push(`const ${load} = once(() => require(${JSON.stringify(statement.moduleSpecifier.text)}));`);
    for (const e of values) {
      const name = e.name.text;
      const from = (e.propertyName ?? e.name).text;
      lines.push(`Object.defineProperty(exports, ${JSON.stringify(name)}, { enumerable: true, get: () => ${load}()[${JSON.stringify(from)}] });`);
    }
  }
  return lines.join("\n") + "\n";
}

const lazyCjsEntryPlugin: Plugin = {
  name: "lazy-cjs-entry",
  setup(build) {
    if (build.initialOptions.format !== "cjs") return;
    build.onLoad({ filter: /[\\/]src[\\/]index\.ts$/ }, (args) =>
      args.path === SDK_ENTRY ? { contents: lazyCjsEntry(), loader: "js", resolveDir: resolve("src") } : undefined,
    );
    // The CJS emulator entry uses the SDK's client (and so its error classes)
    // rather than a second copy of it, as the ESM build does through its chunks.
    build.onResolve({ filter: /^\.\/client\/index\.js$/ }, (args) =>
      args.importer === resolve("src/emulator-entry.ts") ? { path: "./index.cjs", external: true } : undefined,
    );
  },
};

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
    esbuildPlugins: [lazyCjsEntryPlugin],
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
