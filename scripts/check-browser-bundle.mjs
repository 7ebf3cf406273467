// Checks that the SDK bundles for browsers and edge runtimes: esbuild
// bundles a small browser program (everything the SDK exports, and a client
// on connect-web's fetch transport) for `platform: "browser"`,
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
import { dirname, resolve } from "node:path";
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
  // Everything the entry exports, and a client on connect-web's fetch transport, as a browser app would make it.
  const program = [
    `export * from ${JSON.stringify(entry)};`,
    `import { createFleetClient } from ${JSON.stringify(entry)};`,
    `import { createConnectTransport } from "@connectrpc/connect-web";`,
    `const baseUrl = "https://fleet.example.com";`,
    `export const client = typeof createFleetClient === "function" ? createFleetClient({ baseUrl, transport: createConnectTransport({ baseUrl }), fetch: globalThis.fetch }) : undefined;`,
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
    if (!file.startsWith("src/") && !file.startsWith("dist/")) continue;
    const lines = readFileSync(resolve(ROOT, file), "utf8").split("\n");
    lines.forEach((line, i) => {
      const code = line.replace(/\/\/.*$/, "");
      const match = NODE_GLOBALS.exec(code);
      if (match && !/^\s*\*/.test(code)) problems.push(`${file}:${i + 1} uses the Node global ${match[1].replace(/\s*[.(]$/, "")}`);
    });
  }
  // Sizes: every chunk, and the chunks a browser loads before running the program.
  const outputs = result.metafile.outputs;
  const bytes = Object.values(outputs).reduce((n, o) => n + o.bytes, 0);
  const loaded = new Set();
  const pending = Object.keys(outputs).filter((o) => outputs[o].entryPoint === "browser-program.js");
  while (pending.length > 0) {
    const out = pending.pop();
    if (loaded.has(out) || outputs[out] === undefined) continue;
    loaded.add(out);
    for (const imported of outputs[out].imports) if (imported.kind !== "dynamic-import") pending.push(imported.path);
  }
  const initialBytes = [...loaded].reduce((n, o) => n + outputs[o].bytes, 0);
  return { problems, eagerFiles: eager.size, bytes, initialBytes };
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
    `browser bundle of ${target}: no Node built-in or global in what loads up front ` +
      `(${eagerFiles} modules, ${(initialBytes / 1024).toFixed(0)} KiB unminified; ${(bytes / 1024).toFixed(0)} KiB with the on-demand chunks)`,
  );
}
