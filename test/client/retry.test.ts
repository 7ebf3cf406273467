// Retries against a real connect-node server: what is retried, how long the
// client waits (recorded by the injected clock), and what is never repeated.
import { Code, ConnectError } from "@connectrpc/connect";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { PipelineService } from "../../gen/pipeline/v1/pipeline_pb.js";
import { createFleetClient, type FleetClientOptions } from "../../src/client/index.js";
import { fakeClock, recordingLogger, type FakeClock } from "./helpers/fakes.js";
import { startServer, type TestServer } from "./helpers/server.js";

let server: TestServer;
/** Errors the next calls throw, in order; an empty queue means success. */
let failures: ConnectError[] = [];
const calls: Record<string, number> = {};
let hangFirst = false;
let resets = 0;

function count(name: string): void {
  calls[name] = (calls[name] ?? 0) + 1;
}

function nextFailure(): void {
  const f = failures.shift();
  if (f !== undefined) throw f;
}

beforeAll(async () => {
  server = await startServer({
    httpVersion: "1.1",
    routes: (router) =>
      router.service(PipelineService, {
        listPipelines() {
          count("listPipelines");
          nextFailure();
          return { pipelines: [] };
        },
        createPipeline(req) {
          count("createPipeline");
          nextFailure();
          return { name: req.pipeline?.name ?? "", id: "9" };
        },
        syncPipelines() {
          count("syncPipelines");
          nextFailure();
          return {};
        },
        async deletePipeline(_req, ctx) {
          count("deletePipeline");
          if (hangFirst && calls["deletePipeline"] === 1) {
            await new Promise<void>((resolve) => ctx.signal.addEventListener("abort", () => resolve()));
          }
          return {};
        },
      }),
    raw: {
      // A connection that breaks before any response: the first call is reset.
      match: /GetPipelineID$/,
      handle(req, res) {
        resets++;
        if (resets === 1) {
          req.socket.destroy();
          return true;
        }
        res.setHeader("content-type", "application/json");
        res.end(JSON.stringify({ id: "7" }));
        return true;
      },
    },
  });
});
afterAll(() => server.close());

let clock: FakeClock;
beforeEach(() => {
  failures = [];
  for (const k of Object.keys(calls)) delete calls[k];
  hangFirst = false;
  resets = 0;
  clock = fakeClock();
});

function client(extra: Partial<FleetClientOptions> = {}) {
  return createFleetClient({
    baseUrl: server.url,
    auth: { user: "1", token: "t0ken-value" },
    useBinaryFormat: false,
    rateLimit: false,
    clock,
    random: () => 0.5,
    ...extra,
  });
}

const unavailable = () => new ConnectError("try later", Code.Unavailable);

describe("retry", () => {
  it("retries a transient failure twice, then succeeds, with jittered exponential backoff", async () => {
    failures = [unavailable(), unavailable()];
    const res = await client().pipelines.listPipelines({});
    expect(res.pipelines).toEqual([]);
    expect(calls["listPipelines"]).toBe(3);
    // random 0.5 of ceilings 250 and 500 ms
    expect(clock.sleeps).toEqual([125, 250]);
  });

  it("never retries CreatePipeline", async () => {
    failures = [unavailable()];
    const err = await client()
      .pipelines.createPipeline({ pipeline: { name: "a", contents: "x" } })
      .catch((e: unknown) => e);
    expect((err as ConnectError).code).toBe(Code.Unavailable);
    expect(calls["createPipeline"]).toBe(1);
    expect(clock.sleeps).toEqual([]);
  });

  it("honours Retry-After in seconds", async () => {
    failures = [new ConnectError("slow down", Code.ResourceExhausted, { "retry-after": "2" })];
    await client().pipelines.syncPipelines({ source: { namespace: "n" } });
    expect(calls["syncPipelines"]).toBe(2);
    expect(clock.sleeps).toEqual([2000]);
  });

  it("honours Retry-After as an HTTP date", async () => {
    const at = new Date(clock.now() + 3_000).toUTCString();
    failures = [new ConnectError("slow down", Code.ResourceExhausted, { "retry-after": at })];
    await client().pipelines.listPipelines({});
    expect(clock.sleeps).toEqual([3000]);
  });

  it("stops when Retry-After exceeds retry.maxRetryAfterMs", async () => {
    failures = [new ConnectError("slow down", Code.ResourceExhausted, { "retry-after": "5" })];
    const err = await client({ retry: { maxRetryAfterMs: 1_000 } })
      .pipelines.listPipelines({})
      .catch((e: unknown) => e);
    expect((err as ConnectError).code).toBe(Code.ResourceExhausted);
    expect(calls["listPipelines"]).toBe(1);
    expect(clock.sleeps).toEqual([]);
  });

  it("does not schedule a retry past the call's deadline", async () => {
    failures = [new ConnectError("slow down", Code.ResourceExhausted, { "retry-after": "5" })];
    const err = await client({ timeoutMs: 2_000 })
      .pipelines.listPipelines({})
      .catch((e: unknown) => e);
    expect((err as ConnectError).code).toBe(Code.ResourceExhausted);
    expect(calls["listPipelines"]).toBe(1);
  });

  it("bounds the number of attempts", async () => {
    failures = Array.from({ length: 10 }, unavailable);
    const err = await client({ retry: { maxAttempts: 3, initialDelayMs: 100, maxDelayMs: 150 } })
      .pipelines.listPipelines({})
      .catch((e: unknown) => e);
    expect((err as ConnectError).code).toBe(Code.Unavailable);
    expect(calls["listPipelines"]).toBe(3);
    expect(clock.sleeps).toEqual([50, 75]); // 0.5 × min(150, 100·2^n)
  });

  it("retries a server-side DeadlineExceeded", async () => {
    failures = [new ConnectError("server gave up", Code.DeadlineExceeded)];
    await client().pipelines.listPipelines({});
    expect(calls["listPipelines"]).toBe(2);
  });

  it.each([
    ["unauthenticated (401)", Code.Unauthenticated],
    ["permission denied (403)", Code.PermissionDenied],
    ["invalid argument (400)", Code.InvalidArgument],
    ["not found (404)", Code.NotFound],
    ["already exists (409)", Code.AlreadyExists],
    ["internal (500)", Code.Internal],
  ])("does not retry %s", async (_name, code) => {
    failures = [new ConnectError("no", code)];
    const err = await client().pipelines.listPipelines({}).catch((e: unknown) => e);
    expect((err as ConnectError).code).toBe(code);
    expect(calls["listPipelines"]).toBe(1);
  });

  it("retry: false makes one attempt", async () => {
    failures = [unavailable()];
    const err = await client({ retry: false }).pipelines.listPipelines({}).catch((e: unknown) => e);
    expect((err as ConnectError).code).toBe(Code.Unavailable);
    expect(calls["listPipelines"]).toBe(1);
  });

  it("retries after a connection reset", async () => {
    const res = await client().pipelines.getPipelineID({ name: "a" });
    expect(res.id).toBe("7");
    expect(resets).toBe(2);
  });

  it("abandons an attempt after retry.attemptTimeoutMs and retries it", async () => {
    hangFirst = true;
    await client({ retry: { attemptTimeoutMs: 100 } }).pipelines.deletePipeline({ id: "1" });
    expect(calls["deletePipeline"]).toBe(2);
  });

  it("logs each attempt and each retry", async () => {
    failures = [unavailable()];
    const logger = recordingLogger();
    await client({ logger, logLevel: "debug" }).pipelines.listPipelines({});
    const summary = logger.lines.map((l) => [l.level, l.message, l.fields?.["attempt"], l.fields?.["code"]]);
    expect(summary).toEqual([
      ["warn", "fleet rpc failed", 1, "unavailable"],
      ["info", "fleet rpc retrying", 1, "unavailable"],
      ["debug", "fleet rpc ok", 2, "ok"],
    ]);
    expect(logger.lines[0]?.fields?.["procedure"]).toBe("pipeline.v1.PipelineService/ListPipelines");
    expect(typeof logger.lines[0]?.fields?.["durationMs"]).toBe("number");
    expect(logger.lines[1]?.fields?.["delayMs"]).toBe(125);
  });

  it("logs a failure the caller handles (not found) at debug only", async () => {
    failures = [new ConnectError("gone", Code.NotFound)];
    const logger = recordingLogger();
    await client({ logger, logLevel: "debug" }).pipelines.listPipelines({}).catch(() => {});
    expect(logger.lines.map((l) => [l.level, l.fields?.["code"]])).toEqual([["debug", "not_found"]]);
  });

  it("logLevel filters lines", async () => {
    failures = [unavailable()];
    const logger = recordingLogger();
    await client({ logger, logLevel: "warn" }).pipelines.listPipelines({});
    expect(logger.lines.map((l) => l.level)).toEqual(["warn"]);
  });
});
