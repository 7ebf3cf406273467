// The CLI two ways, for the stress and secrets tests: in process (runCli
// with an injected io) and as a child process (dist/cli.js when it is built
// and newer than the sources, else the sources through tsx). Plus a writer of
// pipeline folders from PipelineSpec[].
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { runCli, type CliIo } from "../../src/cli/index.js";
import type { PipelineSpec } from "../../src/pipelines/index.js";

export const ROOT = join(import.meta.dirname, "../..");
const DIST_CLI = join(ROOT, "dist/cli.js");

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/**
 * How to start the CLI as a process. One process either way (tsx as an
 * import hook, not the tsx CLI, which would put a relaying parent process in
 * between): a signal sent to the child reaches the CLI itself, and SIGKILL
 * leaves no orphan running the apply.
 */
export function cliCommand(): string[] {
  return existsSync(DIST_CLI) && statSync(DIST_CLI).mtimeMs >= newestSource(join(ROOT, "src"))
    ? [process.execPath, DIST_CLI]
    : [process.execPath, "--import", pathToFileURL(join(ROOT, "node_modules/tsx/dist/loader.mjs")).href, join(ROOT, "src/cli/main.ts")];
}

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  out: string;
  err: string;
}

export interface CliProcess {
  child: ChildProcess;
  done: Promise<CliRun>;
}

/** Starts the CLI with a clean environment (nothing of the runner's own leaks in) plus `env`. */
export function startCli(args: string[], env: Record<string, string>, cwd: string): CliProcess {
  const command = cliCommand();
  const child = spawn(command[0]!, [...command.slice(1), ...args], {
    cwd,
    env: { PATH: process.env["PATH"] ?? "", NO_COLOR: "1", FLEET_RATE_LIMIT: "0", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (err += d.toString()));
  const done = new Promise<CliRun>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code, signal, out, err }));
  });
  return { child, done };
}

export function runCliProcess(args: string[], env: Record<string, string>, cwd: string): Promise<CliRun> {
  return startCli(args, env, cwd).done;
}

export interface InProcessRun {
  code: number;
  out: string;
  err: string;
}

/** runCli with a recording io; `signal` lets a test abort it as Ctrl-C would. */
export async function runCliInProcess(
  args: string[],
  env: Record<string, string>,
  cwd: string,
  options: { signal?: AbortSignal; isTTY?: boolean } = {},
): Promise<InProcessRun> {
  let out = "";
  let err = "";
  const io: CliIo = {
    stdout: { write: (t: string) => (out += t) },
    stderr: { write: (t: string) => (err += t) },
    env: { NO_COLOR: "1", FLEET_RATE_LIMIT: "0", ...env },
    cwd,
    isTTY: options.isTTY ?? false,
    signal: options.signal ?? new AbortController().signal,
  };
  const code = await runCli(args, io);
  return { code, out, err };
}

export async function tempDir(prefix: string): Promise<{ path: string; dispose(): Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return { path, dispose: () => rm(path, { recursive: true, force: true }) };
}

/**
 * Writes specs in the folder format: `<name>.yaml` (written as JSON, which
 * is YAML) plus the contents in `<name>.alloy` or `<name>.otel.yaml`.
 */
export async function writeFolder(dir: string, specs: readonly PipelineSpec[]): Promise<void> {
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  for (const spec of specs) {
    const meta: Record<string, unknown> = {
      name: spec.name,
      enabled: spec.enabled ?? true,
      matchers: spec.matchers ?? [],
      config_type: spec.configType ?? "alloy",
    };
    if (spec.metadata) meta["metadata"] = spec.metadata;
    await writeFile(join(dir, `${spec.name}.yaml`), JSON.stringify(meta, null, 2) + "\n");
    const ext = spec.configType === "otel" ? ".otel.yaml" : ".alloy";
    await writeFile(join(dir, `${spec.name}${ext}`), spec.contents);
  }
}
