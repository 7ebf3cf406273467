// `fleet-pipelines emulator`, in process with an injected io, and once as a
// real child process stopped by SIGTERM.
import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/index.js";
import { testIo, type TestIo } from "./cli-helpers.js";

const URL_LINE = /listening on (http:\/\/127\.0\.0\.1:\d+)/;

async function waitForUrl(io: TestIo): Promise<string> {
  await expect.poll(() => URL_LINE.test(io.out()), { timeout: 5000 }).toBe(true);
  return URL_LINE.exec(io.out())![1]!;
}

const listPipelines = (url: string, headers: Record<string, string> = {}) =>
  fetch(`${url}/pipeline.v1.PipelineService/ListPipelines`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: "{}",
  });

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "fleet-cli-emulator-"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe("emulator command (in process)", () => {
  it("prints the URL and FLEET_URL, serves, and returns 0 when the signal fires", async () => {
    const io = testIo();
    const done = runCli(["emulator", "--port", "0", "--pipeline-limit", "7", "--rps", "50", "--agent-rps", "20", "--verbose"], io);
    const url = await waitForUrl(io);
    expect(io.out()).toContain(`export FLEET_URL=${url}`);
    expect((await listPipelines(url)).status).toBe(200);
    const limits = await fetch(`${url}/tenant.v1.TenantService/GetLimits`, { method: "POST", body: "{}", headers: { "content-type": "application/json" } });
    expect(await limits.json()).toMatchObject({ pipelines: 7, requestsPerSecondApi: 50, requestsPerSecondCollector: 20 });
    io.abort();
    expect(await done).toBe(0);
    expect(io.err()).toContain("pipeline.v1.PipelineService/ListPipelines ok");
    await expect(listPipelines(url)).rejects.toThrow();
  });

  it("warns that the inspection routes are open when it listens beyond loopback", async () => {
    const wide = testIo();
    const done = runCli(["emulator", "--port", "0", "--host", "0.0.0.0"], wide);
    await expect.poll(() => /listening on http:\/\/0\.0\.0\.0:\d+/.test(wide.out()), { timeout: 5000 }).toBe(true);
    wide.abort();
    expect(await done).toBe(0);
    expect(wide.err()).toMatch(/warning: listening on 0\.0\.0\.0, reachable from other machines; \/_emulator\/ routes .* need no credentials/);

    const local = testIo();
    const localDone = runCli(["emulator", "--port", "0"], local);
    await waitForUrl(local);
    local.abort();
    expect(await localDone).toBe(0);
    expect(local.err()).not.toContain("warning");
  });

  it("requires auth when given --user and a token file, and never prints the token", async () => {
    const tokenFile = join(dir, "token");
    await writeFile(tokenFile, "s3cret-token\n");
    const io = testIo({}, { cwd: dir });
    const done = runCli(["emulator", "--user", "stack-1", "--token-file", "token"], io);
    const url = await waitForUrl(io);
    expect((await listPipelines(url)).status).toBe(401);
    const auth = { authorization: `Basic ${Buffer.from("stack-1:s3cret-token").toString("base64")}` };
    expect((await listPipelines(url, auth)).status).toBe(200);
    io.abort();
    expect(await done).toBe(0);
    expect(io.out()).toContain("FLEET_USER=stack-1");
    expect(io.out() + io.err()).not.toContain("s3cret-token");
  });

  it("takes the token from FLEET_EMULATOR_TOKEN", async () => {
    const io = testIo({ FLEET_EMULATOR_TOKEN: "env-token", FLEET_EMULATOR_USER: "u" });
    const done = runCli(["emulator"], io);
    const url = await waitForUrl(io);
    const auth = { authorization: `Basic ${Buffer.from("u:env-token").toString("base64")}` };
    expect((await listPipelines(url, auth)).status).toBe(200);
    expect((await listPipelines(url)).status).toBe(401);
    io.abort();
    expect(await done).toBe(0);
  });

  it("keeps the state in --state across runs", async () => {
    const run = async () => {
      const io = testIo({}, { cwd: dir });
      const done = runCli(["emulator", "--state", "demo.json"], io);
      return { io, done, url: await waitForUrl(io) };
    };
    const first = await run();
    await fetch(`${first.url}/pipeline.v1.PipelineService/UpsertPipeline`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ pipeline: { name: "kept", contents: "// x\n" } }),
    });
    first.io.abort();
    expect(await first.done).toBe(0);
    const second = await run();
    const list = (await (await listPipelines(second.url)).json()) as { pipelines: { name: string }[] };
    expect(list.pipelines.map((p) => p.name)).toEqual(["kept"]);
    second.io.abort();
    expect(await second.done).toBe(0);
  });

  it.each([
    [["--token", "abc"], /--token is refused.*process list/],
    [["--token=abc"], /--token is refused/],
    [["--user", "u"], /--user needs a token/],
    [["--port", "70000"], /--port must be an integer/],
    [["--fault-rate", "1.5"], /--fault-rate must be a number/],
    [["--fault-rate", "0.1", "--fault-kinds", "meteor"], /unknown kind "meteor"/],
    [["--seed", "3"], /need --fault-rate/],
    [["--empty-matchers", "some"], /--empty-matchers/],
    [["--token-file", "/nonexistent/token", "--user", "u"], /cannot read --token-file/],
    [["--bogus"], /unknown flag "--bogus"/],
    [["extra"], /positional/i],
  ])("refuses %j with exit 1 and a pointer to the help", async (args, message) => {
    const io = testIo();
    expect(await runCli(["emulator", ...args], io)).toBe(1);
    expect(io.err()).toMatch(message);
    expect(io.err()).toContain("See 'fleet-pipelines emulator --help'.");
    expect(io.err()).not.toContain("Usage:");
    expect(io.err()).not.toContain("abc\n");
    expect(io.out()).toBe("");
  });

  it("refuses Alloy contents that do not parse by default, and stores them with --no-alloy-check", async () => {
    const upsert = (url: string) =>
      fetch(`${url}/pipeline.v1.PipelineService/UpsertPipeline`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ pipeline: { name: "placeholder", contents: "x" } }),
      });
    const strict = testIo();
    const strictDone = runCli(["emulator"], strict);
    const strictUrl = await waitForUrl(strict);
    const refused = await upsert(strictUrl);
    expect(refused.status).toBe(400);
    const error = (await refused.json()) as { code: string; message: string };
    expect(error.code).toBe("invalid_argument");
    expect(error.message).toMatch(/pipeline "placeholder": Alloy contents do not parse: line 1, column 2/);
    expect((await (await listPipelines(strictUrl)).json()) as object).toEqual({});
    strict.abort();
    expect(await strictDone).toBe(0);

    const lenient = testIo();
    const lenientDone = runCli(["emulator", "--no-alloy-check"], lenient);
    const lenientUrl = await waitForUrl(lenient);
    expect((await upsert(lenientUrl)).status).toBe(200);
    const list = (await (await listPipelines(lenientUrl)).json()) as { pipelines: { name: string; contents: string }[] };
    expect(list.pipelines).toMatchObject([{ name: "placeholder", contents: "x" }]);
    lenient.abort();
    expect(await lenientDone).toBe(0);
  });

  it("documents --no-alloy-check in its help", async () => {
    const io = testIo();
    expect(await runCli(["emulator", "--help"], io)).toBe(0);
    expect(io.out()).toMatch(/--no-alloy-check\s+store Alloy contents that do not parse/);
  });

  it("passes faults through to the emulator", async () => {
    const io = testIo();
    const done = runCli(["emulator", "--fault-rate", "1", "--fault-kinds", "unavailable", "--seed", "5"], io);
    const url = await waitForUrl(io);
    expect((await listPipelines(url)).status).toBe(503);
    io.abort();
    expect(await done).toBe(0);
  });
});

describe("emulator command (child process)", () => {
  it("runs under tsx, serves, and exits 0 on SIGTERM", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", "src/cli/main.ts", "emulator", "--port", "0"], {
      cwd: join(import.meta.dirname, "../.."),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (err += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    try {
      await expect.poll(() => URL_LINE.test(out), { timeout: 15_000 }).toBe(true);
      const url = URL_LINE.exec(out)![1]!;
      expect((await listPipelines(url)).status).toBe(200);
      child.kill("SIGTERM");
      expect(await exited).toBe(0);
      expect(err).toContain("emulator stopped");
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
    }
  });
});
