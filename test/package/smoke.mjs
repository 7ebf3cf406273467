// Packs-and-loads check run by .ci/run: unpack the tarball next to the
// installed dependencies and make sure each entry point (fleet-pipelines,
// fleet-pipelines/emulator, fleet-pipelines/gen) loads through ESM `import`
// and CJS `require` with the same names, and that the CLI runs, exactly as a
// user's install would lay it out.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const ENTRIES = {
  "fleet-pipelines": ["createFleetClient", "planSync", "parseMatcher", "ConnectError"],
  "fleet-pipelines/emulator": ["startEmulator"],
  "fleet-pipelines/gen": ["PipelineService", "CollectorService"],
};

const tarball = resolve(process.argv[2] ?? "");
const root = mkdtempSync(join(tmpdir(), "fleet-pipelines-pack-"));
try {
  const pkgDir = join(root, "node_modules", "fleet-pipelines");
  mkdirSync(pkgDir, { recursive: true });
  execFileSync("tar", ["-xzf", tarball, "-C", pkgDir, "--strip-components=1"]);
  // Dependencies come from this checkout's install (no network needed).
  const deps = resolve("node_modules");
  for (const dep of ["@bufbuild", "@connectrpc", "re2js", "yaml"]) {
    const target = join(deps, dep);
    if (existsSync(target)) symlinkSync(target, join(root, "node_modules", dep));
  }
  const run = (args) => execFileSync(process.execPath, args, { cwd: root, encoding: "utf8" }).trim();
  const names = JSON.stringify(Object.keys(ENTRIES));

  // Every entry, both ways: the sorted export names (after touching each, so the lazy CJS getters load).
  const esm = JSON.parse(
    run([
      "--input-type=module",
      "-e",
      `const out = {}; for (const e of ${names}) { const m = await import(e); out[e] = Object.keys(m).filter((k) => k !== "default").sort(); for (const k of out[e]) void m[k]; } console.log(JSON.stringify(out));`,
    ]),
  );
  const cjs = JSON.parse(
    run(["-e", `const out = {}; for (const e of ${names}) { const m = require(e); out[e] = Object.keys(m).sort(); for (const k of out[e]) if (m[k] === undefined) throw new Error(e + "." + k + " is undefined"); } console.log(JSON.stringify(out));`]),
  );
  for (const [entry, wanted] of Object.entries(ENTRIES)) {
    const missing = wanted.filter((name) => !esm[entry].includes(name));
    if (missing.length > 0) throw new Error(`import("${entry}") lacks ${missing.join(", ")}`);
    if (JSON.stringify(esm[entry]) !== JSON.stringify(cjs[entry])) {
      const onlyEsm = esm[entry].filter((n) => !cjs[entry].includes(n));
      const onlyCjs = cjs[entry].filter((n) => !esm[entry].includes(n));
      throw new Error(`${entry}: import and require export different names (import only: ${onlyEsm.join(", ") || "-"}; require only: ${onlyCjs.join(", ") || "-"})`);
    }
  }

  // The CJS emulator entry shares the SDK's classes (its client and errors are the SDK's).
  const shared = run([
    "-e",
    `const sdk = require("fleet-pipelines"); const emu = require("fleet-pipelines/emulator");
     emu.startEmulator().then(async (e) => { let ok; try { ok = e.client.baseUrl === e.url && (await e.client.pipelines.listPipelines({})).pipelines.length === 0; } finally { await e.stop(); }
       const refused = await emu.startEmulator({ port: -1 }).catch((error) => error);
       console.log(ok && refused instanceof sdk.ConfigurationError, typeof sdk.createFleetClient); });`,
  ]);
  if (shared !== "true function") throw new Error(`require("fleet-pipelines/emulator") client gave "${shared}"`);

  const cli = join(pkgDir, "dist", "cli.js");
  const version = run([cli, "--version"]);
  if (!/^\d+\.\d+\.\d+/.test(version)) throw new Error(`fleet-pipelines --version printed "${version}"`);
  // Help comes from cli-help.json without loading the command: it must be there and current.
  const help = JSON.parse(readFileSync(join(pkgDir, "dist", "cli-help.json"), "utf8"));
  const planHelp = run([cli, "plan", "--help"]);
  if (planHelp !== help.commands.plan.trim() || !planHelp.startsWith("Usage: fleet-pipelines plan")) {
    throw new Error(`fleet-pipelines plan --help printed something else than the plan command's help:\n${planHelp.slice(0, 200)}`);
  }
  // Source maps ship with their sources (src/ is not in the package): --enable-source-maps and debuggers need them.
  const maps = readdirSync(join(pkgDir, "dist")).filter((f) => f.endsWith(".map"));
  for (const file of maps) {
    const map = JSON.parse(readFileSync(join(pkgDir, "dist", file), "utf8"));
    const missing = map.sources.filter((_, i) => typeof map.sourcesContent?.[i] !== "string");
    if (missing.length > 0) throw new Error(`dist/${file} lacks the content of ${missing.join(", ")}`);
  }
  const counts = Object.entries(esm).map(([e, n]) => `${e} ${n.length}`).join(", ");
  console.log(`packed package loads: import = require for ${counts}; cli ${version}, help for ${Object.keys(help.commands).length} commands; ${maps.length} source maps with their sources`);
} finally {
  rmSync(root, { recursive: true, force: true });
}
