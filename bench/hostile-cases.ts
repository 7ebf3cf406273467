// Hostile folders under the documented caps (1 MiB per file), each of which
// once cost minutes or gigabytes, and the child-process measurement that
// loader.bench.ts prints as the "bounded resources" table.
import { spawnSync } from "node:child_process";
import { mkdir, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const ALLOY = 'prometheus.exporter.self "x" { }\n';

export interface HostileCase {
  label: string;
  /** Writes the folder into `dir` (created empty). */
  build(dir: string): Promise<void>;
}

/** `count` top-level keys, about 15.6 bytes each (60 000 keys ≈ 938 KB). */
function manyKeys(count: number): string {
  let text = "";
  for (let i = 0; i < count; i++) text += `key_${String(i).padStart(5, "0")}: 1\n`;
  return text;
}

export const HOSTILE_CASES: HostileCase[] = [
  {
    label: "baseline: 2 ordinary pipelines",
    async build(dir) {
      for (const name of ["a", "b"]) {
        await writeFile(join(dir, `${name}.yaml`), "enabled: true\n");
        await writeFile(join(dir, `${name}.alloy`), ALLOY);
      }
    },
  },
  {
    label: "60 000 keys in one metadata file (938 KB)",
    async build(dir) {
      await writeFile(join(dir, "node.yaml"), manyKeys(60_000));
      await writeFile(join(dir, "node.alloy"), ALLOY);
    },
  },
  {
    label: "four such files",
    async build(dir) {
      for (let f = 0; f < 4; f++) {
        await writeFile(join(dir, `node${f}.yaml`), manyKeys(60_000));
        await writeFile(join(dir, `node${f}.alloy`), ALLOY);
      }
    },
  },
  {
    label: "25 folders of 2 symlinks each to the previous",
    async build(dir) {
      await mkdir(join(dir, "d0"));
      await writeFile(join(dir, "d0", "p.yaml"), "enabled: true\n");
      await writeFile(join(dir, "d0", "p.alloy"), ALLOY);
      for (let i = 1; i <= 25; i++) {
        await mkdir(join(dir, `d${i}`));
        await symlink(join("..", `d${i - 1}`), join(dir, `d${i}`, "a"));
        await symlink(join("..", `d${i - 1}`), join(dir, `d${i}`, "b"));
      }
    },
  },
  {
    label: "49 aliases of a large list (944 KB)",
    async build(dir) {
      // 45 000 items of 21 bytes: under the 50 000-value cap, so that the alias expansion budget is what refuses it.
      const items = Array.from({ length: 45_000 }, (_, i) => `"item-${String(i % 10_000).padStart(4, "0")}-abcdefgh"`).join(", ");
      const aliases = Array.from({ length: 49 }, (_, i) => `  copy${i}: *big`).join("\n");
      await writeFile(join(dir, "node.yaml"), `enabled: true\nmetadata:\n  big: &big [${items}]\n${aliases}\n`);
      await writeFile(join(dir, "node.alloy"), ALLOY);
    },
  },
  {
    label: "1 MiB OTel flow list",
    async build(dir) {
      await writeFile(join(dir, "node.yaml"), "enabled: true\nconfig_type: otel\n");
      await writeFile(join(dir, "node.otel.yaml"), `receivers: [${"1,".repeat((1024 * 1024 - 20) / 2)}1]\n`);
    },
  },
  {
    label: "130 000 pipeline files (65 000 pipelines)",
    async build(dir) {
      for (let folder = 0; folder < 650; folder++) {
        const sub = join(dir, `f${folder}`);
        await mkdir(sub);
        const writes: Promise<void>[] = [];
        for (let i = 0; i < 100; i++) {
          const name = `p${folder * 100 + i}`;
          writes.push(writeFile(join(sub, `${name}.yaml`), "enabled: true\n"), writeFile(join(sub, `${name}.alloy`), ALLOY));
        }
        await Promise.all(writes);
      }
    },
  },
];

export interface ChildMeasurement {
  outcome: string;
  /** Load + plan + render, measured in the child. */
  ms: number;
  /** Peak resident set of the whole child process (Node and tsx included). */
  maxRssMiB: number;
}

/** Runs bench/hostile-child.ts on `dir` in a fresh process. */
export function measureInChild(dir: string): ChildMeasurement {
  const root = join(import.meta.dirname, "..");
  const tsx = pathToFileURL(join(root, "node_modules/tsx/dist/loader.mjs")).href;
  const run = spawnSync(process.execPath, ["--import", tsx, join(root, "bench/hostile-child.ts"), dir], {
    encoding: "utf8",
    timeout: 600_000,
    maxBuffer: 16 * 1024 * 1024,
  });
  const line = run.stdout.trim().split("\n").at(-1) ?? "";
  try {
    return JSON.parse(line) as ChildMeasurement;
  } catch {
    return { outcome: `child failed (${run.signal ?? run.status}): ${(run.stderr || run.stdout).slice(0, 200)}`, ms: NaN, maxRssMiB: NaN };
  }
}
