// CI's runtime check: starts the emulator (Node, from dist/cli.js, with
// auth) and runs test/runtimes/smoke.mjs under Bun and Deno (installed as
// dev dependencies), then stops the emulator. Exits 1 when a runtime fails.
//
//   npm run build && node test/runtimes/run.mjs [bun] [deno] [node]
import { spawn, spawnSync } from "node:child_process";
import { createInterface } from "node:readline";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const SMOKE = join(ROOT, "test/runtimes/smoke.mjs");
const bin = (name) => join(ROOT, "node_modules/.bin", process.platform === "win32" ? `${name}.cmd` : name);
const RUNTIMES = {
  bun: [bin("bun"), ["run", SMOKE]],
  // Deno reads node_modules through package.json; the flags grant what the smoke needs and no more.
  deno: [bin("deno"), ["run", "--allow-net=127.0.0.1", "--allow-read", "--allow-env", "--allow-sys", SMOKE]],
  node: [process.execPath, [SMOKE]],
};
const chosen = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ["bun", "deno"];

const emulator = spawn(process.execPath, [join(ROOT, "dist/cli.js"), "emulator", "--json", "--user", "runtime-user"], {
  cwd: ROOT,
  stdio: ["ignore", "pipe", "inherit"],
  env: { ...process.env, FLEET_EMULATOR_TOKEN: "runtime-token" },
});
const ready = JSON.parse(await new Promise((resolveLine, reject) => {
  createInterface({ input: emulator.stdout }).once("line", resolveLine);
  emulator.once("exit", (code) => reject(new Error(`the emulator exited (${code}) before it was ready`)));
}));

let failed = 0;
try {
  for (const name of chosen) {
    const [command, args] = RUNTIMES[name] ?? [];
    if (command === undefined) throw new Error(`unknown runtime ${name}; known: ${Object.keys(RUNTIMES).join(", ")}`);
    // A fresh state per runtime: each one checks what it wrote.
    await fetch(`${ready.url}/_emulator/reset`, { method: "POST" });
    const run = spawnSync(command, [...args, ready.url], { cwd: ROOT, encoding: "utf8", timeout: 120_000 });
    if (run.status === 0) {
      console.log(`${name}: ${run.stdout.trim().split("\n").at(-1)}`);
    } else {
      failed++;
      console.error(`${name}: failed (${run.status ?? run.signal ?? run.error?.message})\n${run.stdout}${run.stderr}`);
    }
  }
} finally {
  emulator.kill("SIGTERM");
}
process.exitCode = failed > 0 ? 1 : 0;
