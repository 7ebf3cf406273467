// The SDK bundles for browsers and edge runtimes: nothing it loads up front
// imports a Node built-in or uses a Node global (scripts/check-browser-bundle.mjs,
// also run by CI on the built dist/index.js).
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
// @ts-expect-error: a plain .mjs script, without declarations
import { checkBrowserBundle } from "../../scripts/check-browser-bundle.mjs";

type Check = (entry: string) => Promise<{ problems: string[]; eagerFiles: number }>;
const check = checkBrowserBundle as Check;

const ROOT = join(import.meta.dirname, "../..");
const scratch: string[] = [];
afterAll(async () => {
  for (const dir of scratch) await rm(dir, { recursive: true, force: true });
});

describe("browser bundle of the SDK", () => {
  it("loads no Node built-in and no Node global up front (src/index.ts)", async () => {
    const { problems, eagerFiles } = await check("src/index.ts");
    expect(problems).toEqual([]);
    // The client, plan, matchers and render are really in it.
    expect(eagerFiles).toBeGreaterThan(50);
  });

  it("names a static Node built-in import (the check can fail)", async () => {
    const dir = await mkdtemp(join(ROOT, ".tmp-browser-"));
    scratch.push(dir);
    await writeFile(join(dir, "entry.mjs"), `import { readFileSync } from "node:fs";\nexport const read = readFileSync;\nexport function createFleetClient() {}\n`);
    const { problems } = await check(join(dir, "entry.mjs"));
    expect(problems.some((p) => p.includes(`"node:fs"`))).toBe(true);
  });

  it("allows a built-in behind a dynamic import", async () => {
    const dir = await mkdtemp(join(ROOT, ".tmp-browser-"));
    scratch.push(dir);
    await writeFile(join(dir, "entry.mjs"), `export const read = async () => (await import("node:fs")).readFileSync;\nexport function createFleetClient() {}\n`);
    expect((await check(join(dir, "entry.mjs"))).problems).toEqual([]);
  });
});
