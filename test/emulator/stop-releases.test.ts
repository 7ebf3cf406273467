// Stopping the emulator releases the process, even with a dropped call
// behind it: a script that stops it must exit by itself. (A dropped call's
// handler used to never settle, so connect-node's server-side deadline timer
// for it, Connect-Timeout-Ms long, kept the process alive for 30 s.)
import { spawn } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "../..");

describe("emulator.stop() with faults on", () => {
  it("lets a script that had a drop_after call exit on its own", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", join(ROOT, "test/emulator/helpers/stop-after-drop.ts")], {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (err += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    // Generous: a liveness check, not a benchmark. Before the fix it took 30 s.
    const killer = setTimeout(() => child.kill("SIGKILL"), 15_000);
    try {
      const code = await exited;
      expect({ code, err }).toEqual({ code: 0, err: "" });
      expect(out).toContain("dropped over HTTP/1.1");
      expect(out).toContain("dropped over HTTP/2");
      expect(out).toContain("stopped after 2 dropped calls");
    } finally {
      clearTimeout(killer);
      if (child.exitCode === null) child.kill("SIGKILL");
    }
  }, 20_000);
});
