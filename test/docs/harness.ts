// What the doc examples run against: one emulator with credentials, a seed
// that looks like a small real stack, and a working folder per example
// holding a copy of examples/pipelines as `pipelines/` and a token file.
import { cp, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { EmulatorSeed } from "../../src/emulator/state.js";
import { ROOT } from "./markdown.js";

export const DOCS_USER = "123456";
/** A made-up token for the local emulator only. */
export const DOCS_TOKEN = "docs-example-token";

/** Pipelines and collectors every example starts from. */
export const DOCS_SEED: EmulatorSeed = {
  pipelines: [
    {
      name: "legacy_logs",
      contents: 'loki.source.journal "legacy" {\n  forward_to = []\n}\n',
      matchers: ['collector.os="linux"'],
      enabled: true,
      source: { type: "terraform", namespace: "infra" },
    },
  ],
  collectors: [
    { id: "web-1", localAttributes: { "collector.os": "linux", env: "prod", team: "payments" } },
    { id: "web-2", localAttributes: { "collector.os": "linux", env: "staging", team: "payments" } },
    { id: "win-1", localAttributes: { "collector.os": "windows", env: "prod", team: "desktop" } },
  ],
};

/** The environment a doc example sees, as a user would set it. */
export function docsEnv(url: string): Record<string, string> {
  return { FLEET_URL: url, FLEET_USER: DOCS_USER, FLEET_TOKEN: DOCS_TOKEN };
}

export interface Workspaces {
  /** A new folder with `pipelines/` (a copy of examples/pipelines) and `token.txt`. */
  next(name: string): Promise<string>;
  dispose(): Promise<void>;
}

export async function workspaces(): Promise<Workspaces> {
  const root = await mkdtemp(join(tmpdir(), "fleet-docs-"));
  return {
    async next(name) {
      const dir = join(root, name.replace(/[^\w.-]+/g, "_"));
      await mkdir(dir, { recursive: true });
      await cp(join(ROOT, "examples/pipelines"), join(dir, "pipelines"), { recursive: true });
      await writeFile(join(dir, "token.txt"), `${DOCS_TOKEN}\n`, "utf8");
      return dir;
    },
    dispose: () => rm(root, { recursive: true, force: true }),
  };
}
