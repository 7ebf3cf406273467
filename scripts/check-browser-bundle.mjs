// Checks that the SDK bundles for browsers and edge runtimes: esbuild
// bundles a small browser program (the SDK with connect-web's fetch
// transport: plan, matchers, render, a client) for `platform: "browser"`,
// and the check fails when anything the program loads up front imports a
// Node built-in (`node:fs`, `http2`, …) or when our own code it loads uses
// Node's globals (Buffer, process, __dirname, require).
//
// What loads only behind a dynamic import() (the loader with node:fs, the
// apply layer, connect-node for the default transport) is allowed to: a
// browser program never calls it, and a bundler keeps it in its own chunk.
//
//   node scripts/check-browser-bundle.mjs            # the built dist/index.js (run after `npm run build`)
//   node scripts/check-browser-bundle.mjs src/index.ts
import { builtinModules } from "node:module";
import { readFileSync } from "node:fs";
import { dirname, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
// Node globals that a browser does not have; `globalThis.process?.…`-style guards are not used in src/.
const NODE_GLOBALS = /\b(Buffer\s*\.|process\s*\.|__dirname\b|__filename\b|require\s*\()/;

/**
 * Bundles a browser program around `sdkEntry` and returns the problems found
 * (empty when it is clean), plus what was checked.
 */
export async function checkBrowserBundle(sdkEntry) {
  const entry = resolve(ROOT, sdkEntry);
  const program = [
    `import { createFleetClient, planSync, parseMatcher, matches, renderPlanText, formatAlloy } from ${JSON.stringify(entry)};`,
    `import { createConnectTransport } from "@connectrpc/connect-web";`,
    `const baseUrl = "https://fleet.example.com";`,
    `export const client = createFleetClient({ baseUrl, transport: createConnectTransport({ baseUrl }), fetch: globalThis.fetch });`,
    `export const plan = planSync({ desired: [], remote: [], scope: { type: "git", namespace: "x" } });`,
    `export const text = renderPlanText(plan);`,
    `export const ok = matches([parseMatcher('team="a"')], { team: "a" });`,
    `export const formatted = formatAlloy("a = 1\\n");`,
  ].join("\n");

  const builtinImports = [];
  const result = await esbuild.build({
    stdin: { contents: program, resolveDir: ROOT, sourcefile: "browser-program.js", loader: "js" },
    bundle: true,
    platform: "browser",
    format: "esm",
    splitting: true,
    outdir: resolve(ROOT, ".browser-bundle-check"),
    write: false,
    metafile: true,
    logLevel: "silent",
    plugins: [
      {
        name: "node-builtins",
        setup(build) {
          // Keep built-ins out of the bundle (a browser build cannot resolve
          // them); the metafile still records who imports them, and how.
          build.onResolve({ filter: /.*/ }, (args) => (BUILTINS.has(args.path) ? { path: args.path, external: true } : undefined));
        },
      },
    ],
  });

  // What loads with the program: the entry and every static import from there.
  const inputs = result.metafile.inputs;
  const eager = new Set();
  const queue = ["browser-program.js"];
  while (queue.length > 0) {
    const file = queue.pop();
    if (eager.has(file) || inputs[file] === undefined) continue;
    eager.add(file);
    for (const imported of inputs[file].imports) {
      if (imported.kind === "dynamic-import") continue;
      if (BUILTINS.has(imported.path)) builtinImports.push({ file, path: imported.path });
      else queue.push(imported.path);
    }
  }

  const problems = builtinImports.map(({ file, path }) => `${file} imports the Node built-in "${path}"`);
  for (const file of eager) {
    if (!file.startsWith("src/")) continue;
    const lines = readFileSync(resolve(ROOT, file), "utf8").split("\n");
    lines.forEach((line, i) => {
      const code = line.replace(/\/\/.*$/, "");
      const match = NODE_GLOBALS.exec(code);
      if (match && !/^\s*\*/.test(code)) problems.push(`${file}:${i + 1} uses the Node global ${match[1].replace(/\s*[.(]$/, "")}`);
    });
  }
  const bytes = result.outputFiles.reduce((n, f) => n + f.contents.length, 0);
  const initial = result.outputFiles.find((f) => relative(resolve(ROOT, ".browser-bundle-check"), f.path) === "stdin.js");
  return { problems, eagerFiles: eager.size, bytes, initialBytes: initial?.contents.length ?? 0 };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const target = process.argv[2] ?? "dist/index.js";
  const { problems, eagerFiles, initialBytes, bytes } = await checkBrowserBundle(target);
  if (problems.length > 0) {
    console.error(`The SDK (${target}) does not bundle for browsers: what loads up front uses Node:`);
    for (const p of problems) console.error(`  ${p}`);
    process.exit(1);
  }
  console.log(
    `browser bundle of ${target}: no Node built-in or global in the ${eagerFiles} modules loaded up front ` +
      `(initial chunk ${(initialBytes / 1024).toFixed(0)} KiB, all chunks ${(bytes / 1024).toFixed(0)} KiB, unminified)`,
  );
}
