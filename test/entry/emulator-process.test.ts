// `fleet-pipelines emulator` as a process: the --json ready line, a clean
// stop on SIGTERM, and no emulator left behind when whatever started it is
// killed (directly, or npx-style through a `sh -c` wrapper).
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { afterEach, describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "../..");
// The CLI from the sources, in one node process (no tsx wrapper process in between).
const CLI = [process.execPath, "--import", "tsx", join(ROOT, "src/cli/main.ts")];

interface Ready {
  url: string;
  host: string;
  port: number;
  pid: number;
  user?: string;
}

const spawned: ChildProcess[] = [];
const pids: number[] = [];
afterEach(() => {
  for (const child of spawned.splice(0)) child.kill("SIGKILL");
  for (const pid of pids.splice(0)) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
});

function quote(args: string[]): string {
  return args.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(" ");
}

/** Starts `command`, whose stdout carries the emulator's stdout, and reads the ready line. */
async function startAndReadReady(command: string, args: string[], env: Record<string, string> = {}): Promise<{ child: ChildProcess; ready: Ready; stderr: () => string }> {
  const child = spawn(command, args, { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ...env } });
  spawned.push(child);
  let stderr = "";
  child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
  const lines = createInterface({ input: child.stdout! });
  const first = await new Promise<string>((resolve, reject) => {
    lines.once("line", resolve);
    child.once("exit", (code) => reject(new Error(`exited (${String(code)}) before the ready line: ${stderr}`)));
  });
  const ready = JSON.parse(first) as Ready;
  pids.push(ready.pid);
  return { child, ready, stderr: () => stderr };
}

function isGone(pid: number): boolean {
  try {
    // Exited but not yet reaped counts as gone.
    if (readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.startsWith("Z")) return true;
  } catch {
    // no /proc (or already gone): fall back to signal 0
  }
  try {
    process.kill(pid, 0);
    return false;
  } catch {
    return true;
  }
}

async function waitUntilGone(pid: number, withinMs: number): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  while (Date.now() < deadline) {
    if (isGone(pid)) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return isGone(pid);
}

describe("fleet-pipelines emulator (process)", () => {
  it("--json prints one ready line with url, host, port and pid, and stops cleanly on SIGTERM", async () => {
    const { child, ready, stderr } = await startAndReadReady(CLI[0]!, [...CLI.slice(1), "emulator", "--json"]);
    expect(ready).toEqual({ url: `http://127.0.0.1:${ready.port}`, host: "127.0.0.1", port: ready.port, pid: child.pid });
    const state = await fetch(`${ready.url}/_emulator/state`);
    expect(state.status).toBe(200);

    const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(stderr()).toContain("emulator stopped");
  });

  it.runIf(process.platform !== "win32")("stops cleanly on SIGHUP (its terminal or session is gone)", async () => {
    const { child, stderr } = await startAndReadReady(CLI[0]!, [...CLI.slice(1), "emulator", "--json"]);
    const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
    child.kill("SIGHUP");
    expect(await exited).toBe(0);
    expect(stderr()).toContain("emulator stopped");
  });

  it("--json names the user when auth is on", async () => {
    const { ready } = await startAndReadReady(CLI[0]!, [...CLI.slice(1), "emulator", "--json", "--user", "4242"], { FLEET_EMULATOR_TOKEN: "tok-en" });
    expect(ready.user).toBe("4242");
  });

  it.runIf(process.platform !== "win32")("stops when the process that started it is killed", async () => {
    // A parent that starts the emulator and then is SIGKILLed: it can forward nothing.
    const parent = `const { spawn } = require("node:child_process"); spawn(${JSON.stringify(CLI[0])}, ${JSON.stringify([...CLI.slice(1), "emulator", "--json"])}, { stdio: "inherit" }); setInterval(() => {}, 1000);`;
    const { child, ready } = await startAndReadReady(process.execPath, ["-e", parent]);
    expect(isGone(ready.pid)).toBe(false);
    child.kill("SIGKILL");
    expect(await waitUntilGone(ready.pid, 10_000)).toBe(true);
  });

  it.runIf(process.platform === "linux")("stops when npx-style `sh -c` is left waiting by a killed parent", async () => {
    // npx runs a bin as `sh -c "<bin> ..."`, and dash does not exec it: killing npx leaves the shell waiting on us.
    const shell = `${quote([...CLI, "emulator", "--json"])}`;
    const parent = `const { spawn } = require("node:child_process"); spawn("sh", ["-c", ${JSON.stringify(shell)}], { stdio: "inherit" }); setInterval(() => {}, 1000);`;
    const { child, ready } = await startAndReadReady(process.execPath, ["-e", parent]);
    expect(isGone(ready.pid)).toBe(false);
    child.kill("SIGKILL");
    expect(await waitUntilGone(ready.pid, 10_000)).toBe(true);
  });

  it.runIf(process.platform !== "win32")("--detached keeps running after its parent is killed", async () => {
    const parent = `const { spawn } = require("node:child_process"); spawn(${JSON.stringify(CLI[0])}, ${JSON.stringify([...CLI.slice(1), "emulator", "--json", "--detached"])}, { stdio: "inherit" }); setInterval(() => {}, 1000);`;
    const { child, ready } = await startAndReadReady(process.execPath, ["-e", parent]);
    child.kill("SIGKILL");
    // Longer than the watch interval several times over: a watching emulator would have stopped.
    expect(await waitUntilGone(ready.pid, 1500)).toBe(false);
    const state = await fetch(`${ready.url}/_emulator/state`);
    expect(state.status).toBe(200);
  });
});
