// Hostile folders from a pull request, end to end through the CLI: every
// command that reads a folder (plan, apply in both modes, diff, validate
// --remote) must fail with a clear error naming the file, must not hang (a
// FIFO or a 5 GiB file would block or exhaust it: the test timeout is the
// bound), and must send NOTHING to the service. The loader's own corpus and
// fuzzing live in test/loader; this checks that the CLI stops before the
// network. Workflow-command injection through names is checked too: under
// GitHub Actions a name must not forge an annotation.
import { execFileSync } from "node:child_process";
import { mkdir, open, readFile, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startEmulator, type Emulator } from "../../src/emulator/index.js";
import { runCliInProcess, runCliProcess, tempDir } from "./cli-harness.js";

const ALLOY = 'prometheus.exporter.self "x" { }\n';
const GOOD = Array.from({ length: 20 }, (_, i) => i);

type Builder = (repo: string, outside: string) => Promise<void>;

async function goodFiles(repo: string): Promise<void> {
  for (const i of GOOD) {
    await writeFile(join(repo, `good_${i}.yaml`), "enabled: true\n");
    await writeFile(join(repo, `good_${i}.alloy`), ALLOY);
  }
}

const HOSTILE: [string, string, Builder][] = [
  ["a metadata file linking outside the folder", "evil.yaml", async (repo, outside) => {
    await symlink(join(outside, "secret.yaml"), join(repo, "evil.yaml"));
    await writeFile(join(repo, "evil.alloy"), ALLOY);
  }],
  ["contents linking to a secret outside", "evil.alloy", async (repo, outside) => {
    await writeFile(join(repo, "evil.yaml"), "enabled: true\n");
    await symlink(join(outside, "id_rsa"), join(repo, "evil.alloy"));
  }],
  ["contents_file climbing out with ../", "evil.yaml", async (repo) => {
    await writeFile(join(repo, "evil.yaml"), "enabled: true\ncontents_file: ../outside/id_rsa\n");
  }],
  ["a symlink loop", "loop", async (repo) => {
    await mkdir(join(repo, "a"));
    await symlink("..", join(repo, "a", "loop"));
  }],
  ["a 5 GiB sparse contents file", "evil.alloy", async (repo) => {
    await writeFile(join(repo, "evil.yaml"), "enabled: true\n");
    const file = await open(join(repo, "evil.alloy"), "w");
    await file.truncate(5 * 1024 ** 3);
    await file.close();
  }],
  ["a FIFO named like a metadata file", "evil.yaml", async (repo) => {
    execFileSync("mkfifo", [join(repo, "evil.yaml")]);
    await writeFile(join(repo, "evil.alloy"), ALLOY);
  }],
  ["a YAML alias bomb", "evil.yaml", async (repo) => {
    const levels = Array.from({ length: 12 }, (_, i) =>
      i === 0 ? `  l0: &l0 [${Array(9).fill('"lol"').join(", ")}]` : `  l${i}: &l${i} [${Array(9).fill(`*l${i - 1}`).join(", ")}]`,
    );
    await writeFile(join(repo, "evil.yaml"), `enabled: true\nmetadata:\n${levels.join("\n")}\n`);
    await writeFile(join(repo, "evil.alloy"), ALLOY);
  }],
  ["a million nested brackets", "evil.yaml", async (repo) => {
    await writeFile(join(repo, "evil.yaml"), "enabled: true\nmetadata: " + "[".repeat(1_000_000) + "\n");
    await writeFile(join(repo, "evil.alloy"), ALLOY);
  }],
  ["binary contents", "evil.alloy", async (repo) => {
    await writeFile(join(repo, "evil.yaml"), "enabled: true\n");
    await writeFile(join(repo, "evil.alloy"), new Uint8Array([0x1f, 0x8b, 0x08, 0x00, 0, 0, 0]));
  }],
  ["a file name that forges a workflow command", "evil", async (repo) => {
    await writeFile(join(repo, "evil\n::error file=README.md::forged\u202e.yaml"), "enabled: true\n");
    await writeFile(join(repo, "evil\n::error file=README.md::forged\u202e.alloy"), ALLOY);
  }],
  ["a name that forges a workflow command", "evil.yaml", async (repo) => {
    await writeFile(join(repo, "evil.yaml"), 'enabled: true\nname: "x\\n::error file=README.md::forged"\n');
    await writeFile(join(repo, "evil.alloy"), ALLOY);
  }],
  ["an unknown key (a typo that must not pass silently)", "evil.yaml", async (repo) => {
    await writeFile(join(repo, "evil.yaml"), "enabledd: false\n");
    await writeFile(join(repo, "evil.alloy"), ALLOY);
  }],
  // Each of these once cost minutes or gigabytes (bench/hostile-cases.ts measures them).
  ["60 000 keys in a metadata file", "evil.yaml", async (repo) => {
    let text = "";
    for (let i = 0; i < 60_000; i++) text += `key_${String(i).padStart(5, "0")}: 1\n`;
    await writeFile(join(repo, "evil.yaml"), text);
    await writeFile(join(repo, "evil.alloy"), ALLOY);
  }],
  ["25 folders of two symlinks each to the previous", "evil", async (repo) => {
    await mkdir(join(repo, "evil0"));
    for (let i = 1; i <= 25; i++) {
      await mkdir(join(repo, `evil${i}`));
      await symlink(join("..", `evil${i - 1}`), join(repo, `evil${i}`, "a"));
      await symlink(join("..", `evil${i - 1}`), join(repo, `evil${i}`, "b"));
    }
  }],
  ["49 aliases of a large list", "evil.yaml", async (repo) => {
    const items = Array.from({ length: 20_000 }, (_, i) => `"item${i % 1000}"`).join(", ");
    const aliases = Array.from({ length: 49 }, (_, i) => `  copy${i}: *big`).join("\n");
    await writeFile(join(repo, "evil.yaml"), `enabled: true\nmetadata:\n  big: &big [${items}]\n${aliases}\n`);
    await writeFile(join(repo, "evil.alloy"), ALLOY);
  }],
  ["a 1 MiB OTel flow list", "evil.otel.yaml", async (repo) => {
    await writeFile(join(repo, "evil.yaml"), "enabled: true\nconfig_type: otel\n");
    await writeFile(join(repo, "evil.otel.yaml"), `receivers: [${"1,".repeat(500_000)}1]\n`);
  }],
  ["a duplicate name", "evil.yaml", async (repo) => {
    await writeFile(join(repo, "evil.yaml"), "name: good_1\nenabled: true\n");
    await writeFile(join(repo, "evil.alloy"), ALLOY);
  }],
];

const COMMANDS: [string, string[]][] = [
  ["plan", ["plan", "--dir", "repo", "--namespace", "ci"]],
  ["apply (sync)", ["apply", "--dir", "repo", "--namespace", "ci", "--mode", "sync", "--allow-empty", "--allow-takeover", "*"]],
  ["apply (fallback)", ["apply", "--dir", "repo", "--namespace", "ci", "--mode", "fallback", "--allow-empty", "--max-deletes", "999"]],
  ["diff", ["diff", "--dir", "repo", "--namespace", "ci"]],
  ["validate --remote", ["validate", "--dir", "repo", "--remote"]],
];

let emulator: Emulator;
beforeAll(async () => {
  emulator = await startEmulator();
});
afterAll(async () => {
  await emulator.stop();
});
beforeEach(() => {
  emulator.reset();
  // The scope holds pipelines that a wrongly accepted folder would overwrite or delete.
  emulator.seed({ pipelines: GOOD.map((i) => ({ name: `good_${i}`, contents: "// live\n", source: { type: "git", namespace: "ci" } })) });
});

async function hostileWorkspace(build: Builder) {
  const dir = await tempDir("fleet-hostile-cli-");
  const repo = join(dir.path, "repo");
  const outside = join(dir.path, "outside");
  await mkdir(repo);
  await mkdir(outside);
  await writeFile(join(outside, "secret.yaml"), "enabled: true\ncontents: stolen\n");
  await writeFile(join(outside, "id_rsa"), "-----BEGIN OPENSSH PRIVATE KEY-----\nnot really\n");
  await goodFiles(repo);
  await build(repo, outside);
  return dir;
}

/** Workflow commands the runner would obey (they must start a line) that point where the hostile name says. */
function forgedAnnotations(text: string): string[] {
  return text.split(/\r?\n|\r/).filter((line) => line.trimStart().startsWith("::error file=README.md"));
}

describe.each(HOSTILE)("a folder with %s", (_what, named, build) => {
  it.each(COMMANDS)("%s: exit 3 (validate: 1) naming the file, nothing sent to the service", async (name, args) => {
    const dir = await hostileWorkspace(build);
    try {
      const before = emulator.state();
      const summary = join(dir.path, "summary.md");
      const run = await runCliInProcess(args, { FLEET_URL: emulator.url, GITHUB_ACTIONS: "true", GITHUB_STEP_SUMMARY: summary }, dir.path);
      // A problem in the folder's content blocks (3); validate answers "a file has errors" with 1.
      expect(run.code).toBe(name.startsWith("validate") ? 1 : 3);
      expect(run.err).toContain("cannot be loaded");
      expect(run.err).toContain(named);
      // Loading fails before any connection is made: not even a read.
      expect(emulator.requests()).toEqual([]);
      expect(emulator.state()).toEqual(before);
      expect(run.err).not.toContain("stolen");
      expect(run.err).not.toContain("PRIVATE KEY");
      expect(forgedAnnotations(run.out + run.err)).toEqual([]);
      // Bidi overrides never reach a terminal or an annotation's message (an
      // annotation's file= keeps the real path, or GitHub could not link it).
      expect(run.err).not.toContain("\u202e");
      for (const line of run.out.split("\n")) expect(line.slice(line.lastIndexOf("::"))).not.toContain("\u202e");
      const written = await readFile(summary, "utf8").catch(() => "");
      expect(forgedAnnotations(written)).toEqual([]);
    } finally {
      await dir.dispose();
    }
  });
});

describe("as a child process", () => {
  it.each([HOSTILE[5]!, HOSTILE[4]!, HOSTILE[6]!])("%s: apply exits 3 promptly, nothing sent", async (_what, named, build) => {
    const dir = await hostileWorkspace(build);
    try {
      const run = await runCliProcess(["apply", "--dir", "repo", "--namespace", "ci", "--mode", "fallback"], { FLEET_URL: emulator.url }, dir.path);
      expect(run.code).toBe(3);
      expect(run.err).toContain(named);
      expect(emulator.requests()).toEqual([]);
    } finally {
      await dir.dispose();
    }
  });
});

describe("a folder that loads but must not be applied", () => {
  const BLOCKED: [string, string, Builder][] = [
    ["a matcher that does not parse", "INVALID_PIPELINE", async (repo) => {
      await goodFiles(repo);
      await writeFile(join(repo, "good_3.yaml"), "enabled: true\nmatchers: ['env=~\"(unclosed\"']\n");
    }],
    ["a matcher over 200 characters", "INVALID_PIPELINE", async (repo) => {
      await goodFiles(repo);
      await writeFile(join(repo, "good_3.yaml"), `enabled: true\nmatchers: ['team="${"x".repeat(220)}"']\n`);
    }],
    ["most files deleted by the pull request", "MASS_DELETE", async (repo) => {
      await writeFile(join(repo, "good_0.yaml"), "enabled: true\n");
      await writeFile(join(repo, "good_0.alloy"), "// live\n");
    }],
    ["a name owned by another source", "NAME_COLLISION", async (repo) => {
      await goodFiles(repo);
      await writeFile(join(repo, "theirs.yaml"), "enabled: true\n");
      await writeFile(join(repo, "theirs.alloy"), ALLOY);
    }],
  ];

  it.each(BLOCKED)("%s: apply exits 3 with %s in both modes; nothing but reads reaches the service", async (_what, code, build) => {
    emulator.seed({ pipelines: [{ name: "theirs", contents: "// terraform\n", source: { type: "terraform", namespace: "infra" } }] });
    const before = emulator.state();
    const dir = await tempDir("fleet-blocked-");
    try {
      const repo = join(dir.path, "repo");
      await mkdir(repo);
      await build(repo, dir.path);
      for (const mode of ["sync", "fallback"]) {
        const run = await runCliInProcess(["apply", "--dir", "repo", "--namespace", "ci", "--mode", mode, "--json"], { FLEET_URL: emulator.url }, dir.path);
        expect(run.code).toBe(3);
        // One JSON document whichever stage blocked: the findings carry the code.
        const body = JSON.parse(run.out) as { findings?: { code: string }[]; plan?: { findings: { code: string }[] } | null };
        const codes = [...(body.findings ?? []), ...(body.plan?.findings ?? [])].map((f) => f.code);
        expect(codes).toContain(code);
      }
      // An invalid matcher is refused by the loader (with its line) before any call; the others after reading.
      for (const method of new Set(emulator.requests().map((r) => r.method))) expect(method).toMatch(/^(Get|List)/);
      expect(emulator.state()).toEqual(before);
    } finally {
      await dir.dispose();
    }
  });
});
