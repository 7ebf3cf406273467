// Shared by the CLI tests: an injected io that records output, and a
// throw-away pipelines folder.
import { cp, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { CliIo } from "../../src/cli/index.js";

export interface TestIo extends CliIo {
  out(): string;
  err(): string;
  abort(): void;
}

export function testIo(env: Record<string, string> = {}, options: { cwd?: string; isTTY?: boolean } = {}): TestIo {
  let out = "";
  let err = "";
  const controller = new AbortController();
  return {
    stdout: { write: (t: string) => (out += t) },
    stderr: { write: (t: string) => (err += t) },
    env,
    cwd: options.cwd ?? process.cwd(),
    isTTY: options.isTTY ?? false,
    signal: controller.signal,
    out: () => out,
    err: () => err,
    abort: () => controller.abort(),
  };
}

export const EXAMPLES = join(import.meta.dirname, "../../examples/pipelines");

export interface Workspace {
  root: string;
  /** Writes a file relative to the root (folders created). */
  write(path: string, text: string): Promise<void>;
  remove(path: string): Promise<void>;
  dispose(): Promise<void>;
}

/** A temp folder; `pipelines/` starts as a copy of examples/pipelines when `withExamples`. */
export async function workspace(withExamples = true): Promise<Workspace> {
  const root = await mkdtemp(join(tmpdir(), "fleet-cli-"));
  if (withExamples) await cp(EXAMPLES, join(root, "pipelines"), { recursive: true });
  else await mkdir(join(root, "pipelines"));
  return {
    root,
    async write(path, text) {
      await mkdir(dirname(join(root, path)), { recursive: true });
      await writeFile(join(root, path), text, "utf8");
    },
    async remove(path) {
      await rm(join(root, path), { recursive: true, force: true });
    },
    dispose: () => rm(root, { recursive: true, force: true }),
  };
}
