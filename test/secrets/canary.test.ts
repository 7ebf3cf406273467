// A canary token, configured the ways users configure it, must appear
// nowhere: not in stdout or stderr, not in a file the CLI writes (Markdown,
// the GitHub job summary, a saved plan, an export), not in a thrown error or a
// log line, on any path — success, wrong credentials, server errors,
// timeouts, dropped connections, invalid input, verbose logging, --json,
// Markdown, GitHub annotations. The client's own canary test covers the
// client alone (test/client/redaction.test.ts); this one covers the product.
import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import * as util from "node:util";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  exportPipelines,
  previewCollectors,
  syncPipelines,
  validatePipelines,
} from "../../src/apply/index.js";
import { createFleetClient, type FleetClientOptions } from "../../src/client/index.js";
import { startEmulator, type Emulator, type FaultOptions } from "../../src/emulator/index.js";
import { runCliInProcess, runCliProcess, startCli, tempDir, writeFolder } from "../stress/cli-harness.js";

const USER = "918273";
const TOKEN = "glc_CANARY_eyJrIjoiZmxlZXQtY2FuYXJ5LTdmM2E5YzFkIn0=";
const WRONG = "glc_WRONGCANARY_b3e2d19a0c7f";
/** Every form a leak could take: the tokens, the Basic credentials, and their base64. */
const FORMS = [TOKEN, WRONG, ...[TOKEN, WRONG].map((t) => Buffer.from(`${USER}:${t}`).toString("base64")), "CANARY"];

function leaks(text: string): string[] {
  return FORMS.filter((form) => text.includes(form));
}

/** Every way a value can be shown: String, inspect (hidden fields, causes), JSON. */
function renderings(value: unknown): string {
  const parts = [String(value), util.inspect(value, { depth: 20, showHidden: true })];
  try {
    parts.push(JSON.stringify(value));
  } catch {
    // circular: inspect has it
  }
  if (value instanceof Error) parts.push(value.stack ?? "", util.inspect(value.cause, { depth: 20, showHidden: true }));
  return parts.join("\n");
}

/** The text of every file under `dir` except the token file itself. */
async function filesText(dir: string): Promise<string> {
  let text = "";
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || entry.name === "token.txt") continue;
    text += `\n--- ${entry.name}\n` + (await readFile(join(entry.parentPath, entry.name), "utf8"));
  }
  return text;
}

const DESIRED = [
  { name: "node_metrics", contents: 'prometheus.exporter.unix "default" { }\n', matchers: ['collector.os="linux"'] },
  { name: "journal", contents: 'loki.source.journal "default" { }\n', matchers: ['team="platform"'] },
];

interface Path {
  name: string;
  /** Credentials the CLI is given: the right token or the wrong one. */
  token: string;
  faults?: FaultOptions;
  /** Extra CLI flags for this path. */
  flags?: string[];
  /** Write a folder that fails to load. */
  badFolder?: boolean;
}

const PATHS: Path[] = [
  { name: "success", token: TOKEN },
  { name: "wrong token (401)", token: WRONG },
  { name: "server errors (503)", token: TOKEN, faults: { rate: 1, kinds: ["unavailable"] }, flags: ["--timeout-ms", "400"] },
  { name: "answers after the deadline", token: TOKEN, faults: { rate: 1, kinds: ["timeout"] }, flags: ["--timeout-ms", "300"] },
  { name: "dropped connections", token: TOKEN, faults: { rate: 1, kinds: ["drop", "drop_after"] }, flags: ["--timeout-ms", "400"] },
  { name: "rate limited (429)", token: TOKEN, faults: { rate: 1, kinds: ["rate_limited"], retryAfterSeconds: 60 } },
  { name: "invalid input", token: TOKEN, badFolder: true },
];

const COMMANDS: [string, string[]][] = [
  ["plan", ["plan", "--dir", "pipelines", "--namespace", "ci", "--out", "plan.json", "--markdown", "plan.md"]],
  ["plan --json", ["plan", "--dir", "pipelines", "--namespace", "ci", "--json"]],
  ["apply sync", ["apply", "--dir", "pipelines", "--namespace", "ci", "--mode", "sync", "--markdown", "apply.md"]],
  ["apply fallback --json", ["apply", "--dir", "pipelines", "--namespace", "ci", "--mode", "fallback", "--json"]],
  ["diff", ["diff", "--dir", "pipelines", "--namespace", "ci", "--markdown", "diff.md"]],
  ["validate --remote", ["validate", "--dir", "pipelines", "--remote", "--json"]],
  ["export", ["export", "--out", "exported", "--namespace", "ci", "--overwrite"]],
];

/** An emulator with auth configured, already holding a pipeline of the scope. */
async function authEmulator(faults?: FaultOptions): Promise<Emulator> {
  const emulator = await startEmulator({ auth: { user: USER, token: TOKEN }, ...(faults ? { faults } : {}) });
  emulator.seed({ pipelines: [{ name: "journal", contents: "// old\n", source: { type: "git", namespace: "ci" } }] });
  return emulator;
}

// The serial tests below share one; the matrices start their own, to run concurrently.
let emulator: Emulator;
beforeAll(async () => {
  emulator = await authEmulator();
});
afterAll(async () => {
  await emulator.stop();
});
beforeEach(() => {
  emulator.setFaults(undefined);
  emulator.reset();
  emulator.seed({ pipelines: [{ name: "journal", contents: "// old\n", source: { type: "git", namespace: "ci" } }] });
});

async function workspace(path: Path) {
  const dir = await tempDir("fleet-canary-");
  await writeFolder(join(dir.path, "pipelines"), DESIRED);
  if (path.badFolder) await writeFile(join(dir.path, "pipelines", "broken.yaml"), "enabledd: true\n");
  await writeFile(join(dir.path, "token.txt"), `${path.token}\n`);
  return dir;
}

describe.concurrent.each(PATHS)("CLI in process, $name", (path) => {
  it.each(COMMANDS)("%s (FLEET_TOKEN, --verbose, FLEET_DEBUG, GitHub Actions): no canary anywhere", async (name, args) => {
    const dir = await workspace(path);
    const emulator = await authEmulator(path.faults);
    try {
      const env = {
        FLEET_URL: emulator.url,
        FLEET_USER: USER,
        FLEET_TOKEN: path.token,
        FLEET_DEBUG: "1",
        GITHUB_ACTIONS: "true",
        GITHUB_STEP_SUMMARY: join(dir.path, "summary.md"),
      };
      const run = await runCliInProcess([...args, "--verbose", ...(path.flags ?? [])], env, dir.path);
      expect(leaks(run.out)).toEqual([]);
      expect(leaks(run.err)).toEqual([]);
      expect(leaks(await filesText(dir.path))).toEqual([]);
      // The run did reach its path (so that a clean output means something).
      const unaffected = path.badFolder === true && name === "export";
      if (path.name === "success" || unaffected) expect(run.code).not.toBe(1);
      // A folder that fails to load: refused before any call, naming the file (its exit code is the CLI's to choose).
      else if (path.badFolder === true) {
        expect(run.code).not.toBe(0);
        expect(run.err).toContain("broken.yaml");
      } else expect(run.code).toBe(1);
      if (path.name === "wrong token (401)") expect(run.err).toMatch(/credentials/);
      if (!path.badFolder) expect(run.err).toMatch(/\[(debug|info|warn)\] fleet rpc/);
    } finally {
      await emulator.stop();
      await dir.dispose();
    }
  });
});

describe("CLI in process, --token-file", () => {
  it.each(PATHS.filter((p) => !p.faults))("$name: apply and plan, no canary anywhere", async (path) => {
    const dir = await workspace(path);
    try {
      const env = { FLEET_URL: emulator.url, FLEET_USER: USER, GITHUB_ACTIONS: "true", GITHUB_STEP_SUMMARY: join(dir.path, "summary.md") };
      for (const args of [COMMANDS[0]![1], COMMANDS[2]![1], COMMANDS[3]![1]]) {
        const run = await runCliInProcess([...args, "--token-file", "token.txt", "--verbose"], env, dir.path);
        expect(leaks(run.out + run.err)).toEqual([]);
      }
      expect(leaks(await filesText(dir.path))).toEqual([]);
    } finally {
      await dir.dispose();
    }
  });
});

describe("refusals that would otherwise expose the token", () => {
  it("--token on the command line is refused, says why, and is not echoed", async () => {
    const dir = await workspace(PATHS[0]!);
    try {
      for (const args of COMMANDS.map(([, a]) => a)) {
        const run = await runCliInProcess([...args, "--token", TOKEN], { FLEET_URL: emulator.url, FLEET_USER: USER }, dir.path);
        expect(run.code).toBe(1);
        expect(run.err).toMatch(/--token is refused: a token on the command line shows in the process list and the shell history/);
        expect(run.err).toMatch(/FLEET_TOKEN|--token-file/);
        expect(leaks(run.out + run.err)).toEqual([]);
      }
      expect(emulator.requests()).toEqual([]);
      const emulatorRun = await runCliInProcess(["emulator", "--user", USER, "--token", TOKEN], {}, dir.path);
      expect(emulatorRun.code).toBe(1);
      expect(emulatorRun.err).toContain("--token is refused");
      expect(leaks(emulatorRun.out + emulatorRun.err)).toEqual([]);
    } finally {
      await dir.dispose();
    }
  });

  it.each([
    ["http:// to a remote host", "http://fleet.example.com", /plain http:\/\/ to a non-loopback host/],
    ["http:// to a private address", "http://10.0.0.7:8080", /plain http:\/\/ to a non-loopback host/],
    ["credentials inside the URL", `https://${USER}:${TOKEN}@fleet.example.com`, /must not contain credentials/],
    ["a URL that does not parse", `fleet ${TOKEN}`, /not a valid absolute URL/],
  ])("%s is refused before anything is sent, without echoing the token", async (_name, url, message) => {
    const dir = await workspace(PATHS[0]!);
    try {
      const run = await runCliInProcess(COMMANDS[2]![1], { FLEET_URL: url, FLEET_USER: USER, FLEET_TOKEN: TOKEN }, dir.path);
      expect(run.code).toBe(1);
      expect(run.err).toMatch(message);
      expect(leaks(run.out + run.err)).toEqual([]);
      expect(() => createFleetClient({ baseUrl: url, auth: { user: USER, token: TOKEN } })).toThrow(message);
    } finally {
      await dir.dispose();
    }
  });

  it("http:// to a remote host is allowed when asked for explicitly", async () => {
    expect(() => createFleetClient({ baseUrl: "http://fleet.example.com", allowInsecureHttp: true, auth: { user: USER, token: TOKEN } })).not.toThrow();
    const dir = await workspace(PATHS[0]!);
    try {
      // Nothing listens there: the point is that the refusal is gone (the failure is the network's).
      const run = await runCliInProcess(
        [...COMMANDS[0]![1], "--allow-insecure-http", "--timeout-ms", "300"],
        { FLEET_URL: "http://fleet.invalid", FLEET_USER: USER, FLEET_TOKEN: TOKEN },
        dir.path,
      );
      expect(run.code).toBe(1);
      expect(run.err).not.toMatch(/non-loopback/);
      expect(leaks(run.out + run.err)).toEqual([]);
    } finally {
      await dir.dispose();
    }
  });
});

describe("library entries, every failure path", () => {
  function client(emulator: Emulator, lines: string[], token: string, extra: Partial<FleetClientOptions> = {}) {
    const record = (m: string, f?: unknown) => void lines.push(m + renderings(f));
    const logger = { debug: record, info: record, warn: record, error: record };
    return createFleetClient({
      baseUrl: emulator.url,
      auth: { user: USER, token },
      rateLimit: false,
      timeoutMs: 400,
      retry: { initialDelayMs: 1, maxDelayMs: 5 },
      logger,
      logLevel: "debug",
      ...extra,
    });
  }

  it.concurrent.each(PATHS.filter((p) => !p.badFolder))("$name: syncPipelines (both modes), validate, export, preview, getLimits", async (path) => {
    const emulator = await authEmulator(path.faults);
    const dir = await tempDir("fleet-canary-lib-");
    const outcomes: unknown[] = [];
    const lines: string[] = [];
    try {
      const c = client(emulator, lines, path.token, path.faults?.kinds?.includes("timeout") ? { retry: { attemptTimeoutMs: 100, initialDelayMs: 1, maxDelayMs: 5 } } : {});
      const scope = { type: "git", namespace: "ci" } as const;
      for (const mode of ["sync", "fallback"] as const) {
        outcomes.push(await syncPipelines(c, { desired: DESIRED, scope, mode, onPlan: (p) => void outcomes.push(p) }).catch((e: unknown) => e));
      }
      outcomes.push(await validatePipelines(c, DESIRED, { scope }).catch((e: unknown) => e));
      outcomes.push(await exportPipelines(c, { dir: join(dir.path, "out"), scope }).catch((e: unknown) => e));
      outcomes.push(await c.getLimits().catch((e: unknown) => e));
      outcomes.push(await c.pipelines.listPipelines({}).catch((e: unknown) => e));
      const plan = outcomes.find((o) => typeof o === "object" && o !== null && "remoteFingerprint" in o);
      if (plan) outcomes.push(await previewCollectors(c, plan as never).catch((e: unknown) => e));
      for (const outcome of outcomes) expect(leaks(renderings(outcome))).toEqual([]);
      expect(leaks(lines.join("\n"))).toEqual([]);
      expect(leaks(await filesText(dir.path))).toEqual([]);
      expect(lines.length).toBeGreaterThan(0);
      if (path.name !== "success") expect(outcomes.some((o) => o instanceof Error)).toBe(true);
    } finally {
      await emulator.stop();
      await dir.dispose();
    }
  });

  it("invalid options that carry the token are refused without echoing it", () => {
    for (const auth of [{ user: USER, token: `${TOKEN}\n` }, { user: `${USER}:${TOKEN}`, token: TOKEN }, { user: USER, token: ` ${TOKEN}` }]) {
      let thrown: unknown;
      try {
        createFleetClient({ baseUrl: emulator.url, auth });
      } catch (e) {
        thrown = e;
      }
      expect(thrown).toBeInstanceOf(Error);
      expect(leaks(renderings(thrown))).toEqual([]);
    }
  });
});

describe("CLI as a child process", () => {
  it.each([
    ["wrong token, --verbose, FLEET_TOKEN", WRONG, ["apply", "--dir", "pipelines", "--namespace", "ci", "--verbose"]],
    ["server errors, --json, --token-file", TOKEN, ["apply", "--dir", "pipelines", "--namespace", "ci", "--mode", "fallback", "--json", "--token-file", "token.txt", "--timeout-ms", "400"]],
    ["success, GitHub Actions, --markdown", TOKEN, ["apply", "--dir", "pipelines", "--namespace", "ci", "--markdown", "out.md", "--verbose"]],
  ] as const)("%s: no canary in its output or files", async (name, token, args) => {
    const dir = await workspace({ name, token });
    try {
      if (name.startsWith("server errors")) emulator.setFaults({ rate: 1, kinds: ["unavailable"] });
      const usesFile = (args as readonly string[]).includes("--token-file");
      const env: Record<string, string> = {
        FLEET_URL: emulator.url,
        FLEET_USER: USER,
        FLEET_DEBUG: "1",
        GITHUB_ACTIONS: "true",
        GITHUB_STEP_SUMMARY: join(dir.path, "summary.md"),
        ...(usesFile ? {} : { FLEET_TOKEN: token }),
      };
      const run = await runCliProcess([...args], env, dir.path);
      expect(run.code).toBe(name.startsWith("success") ? 0 : 1);
      expect(leaks(run.out + run.err)).toEqual([]);
      expect(leaks(await filesText(dir.path))).toEqual([]);
    } finally {
      await dir.dispose();
    }
  });

  it("the emulator command with --token-file and --verbose never prints the token", async () => {
    const dir = await workspace(PATHS[0]!);
    try {
      const emu = startCli(["emulator", "--user", USER, "--token-file", "token.txt", "--verbose"], {}, dir.path);
      let out = "";
      emu.child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
      const url = await new Promise<string>((resolve) => {
        const check = () => {
          const m = /listening on (http:\/\/\S+)/.exec(out);
          if (m) resolve(m[1]!);
        };
        emu.child.stdout!.on("data", check);
      });
      const wrong = await runCliInProcess(["plan", "--dir", "pipelines", "--namespace", "ci"], { FLEET_URL: url, FLEET_USER: USER, FLEET_TOKEN: WRONG }, dir.path);
      const right = await runCliInProcess(["plan", "--dir", "pipelines", "--namespace", "ci"], { FLEET_URL: url, FLEET_USER: USER, FLEET_TOKEN: TOKEN }, dir.path);
      expect([wrong.code, right.code]).toEqual([1, 0]);
      emu.child.kill("SIGTERM");
      const done = await emu.done;
      expect(done.err).toContain("unauthenticated");
      expect(leaks(done.out + done.err + wrong.out + wrong.err + right.out + right.err)).toEqual([]);
    } finally {
      await dir.dispose();
    }
  });
});
