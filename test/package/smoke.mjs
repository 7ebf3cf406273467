// Packs-and-loads check run by .ci/run: unpack the tarball next to the
// installed dependencies and make sure ESM `import`, CJS `require` and the
// CLI all load from it, exactly as a user's install would lay it out.
import { execFileSync } from "node:child_process";
import { mkdtempSync, mkdirSync, rmSync, symlinkSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

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
  const esm = run(["--input-type=module", "-e", "import * as m from 'fleet-pipelines'; import * as g from 'fleet-pipelines/gen'; console.log(typeof m.createFleetClient, typeof g.PipelineService)"]);
  const cjs = run(["-e", "const m = require('fleet-pipelines'); const g = require('fleet-pipelines/gen'); console.log(typeof m.createFleetClient, typeof g.PipelineService)"]);
  // The error classes: a converted ConnectError and an error thrown by the resource API (a refused
  // connection) are instances of the classes the same build exports, in ESM and in CJS.
  const errors =
    "const e = m.toFleetError(new m.ConnectError('x', m.Code.NotFound));" +
    "const fleet = m.createFleetClient({ baseUrl: 'http://127.0.0.1:9', retry: false, rateLimit: false });" +
    "fleet.pipelines.list().then(() => console.log('no error'), (err) => console.log([e instanceof m.NotFoundError, e instanceof m.FleetError," +
    " err instanceof m.UnavailableError, err instanceof m.FleetApiError, err instanceof m.FleetError, err.cause instanceof m.ConnectError].join(' ')));";
  const esmErrors = run(["--input-type=module", "-e", `import * as m from 'fleet-pipelines'; ${errors}`]);
  const cjsErrors = run(["-e", `const m = require('fleet-pipelines'); ${errors}`]);
  for (const [what, got] of [["import", esmErrors], ["require", cjsErrors]]) {
    if (got !== "true true true true true true") throw new Error(`error classes of the ${what} build: instanceof gave "${got}"`);
  }
  const version = run([join(pkgDir, "dist", "cli.js"), "--version"]);
  for (const [what, got, want] of [["import", esm, "function object"], ["require", cjs, "function object"]]) {
    if (got !== want) throw new Error(`${what} of the packed package gave "${got}", expected "${want}"`);
  }
  if (!/^\d+\.\d+\.\d+/.test(version)) throw new Error(`fleet-pipelines --version printed "${version}"`);
  console.log(`packed package loads: import ok, require ok, error classes ok, cli ${version}`);
} finally {
  rmSync(root, { recursive: true, force: true });
}
