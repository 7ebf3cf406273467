// Auth, rate limit, latency and every fault kind: what a reliability test
// needs the emulator to do, reproducibly.
import { createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createPrng, FAULT_PHASES, startEmulator, type Emulator, type FaultKind } from "../../src/emulator/index.js";
import { PipelineService } from "../../gen/pipeline/v1/pipeline_pb.js";
import { codeNameOf } from "./drivers.js";

const upsertJson = (url: string, name: string, headers: Record<string, string> = {}) =>
  fetch(`${url}/pipeline.v1.PipelineService/UpsertPipeline`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify({ pipeline: { name, contents: "// x\n" } }),
  });

describe("basic auth", () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startEmulator({ auth: { user: "12345", token: "glc_secret" } });
  });
  afterAll(() => emulator.stop());

  const basic = (user: string, token: string) => ({ authorization: `Basic ${Buffer.from(`${user}:${token}`).toString("base64")}` });

  it("answers unauthenticated (401) without valid credentials, and serves with them", async () => {
    for (const headers of [{}, basic("12345", "wrong"), basic("other", "glc_secret"), { authorization: "Bearer glc_secret" }]) {
      const res = await upsertJson(emulator.url, "a", headers);
      expect(res.status).toBe(401);
      const body = (await res.json()) as { code: string; message: string };
      expect(body.code).toBe("unauthenticated");
      expect(body.message).not.toContain("glc_secret");
    }
    expect(emulator.state().pipelines).toEqual([]);
    expect((await upsertJson(emulator.url, "a", basic("12345", "glc_secret"))).status).toBe(200);
    expect(emulator.requests().map((r) => [r.code, r.handlerCode ?? null])).toEqual([
      ["unauthenticated", null],
      ["unauthenticated", null],
      ["unauthenticated", null],
      ["unauthenticated", null],
      ["ok", "ok"],
    ]);
  });

  it("gives a Connect client the unauthenticated code", async () => {
    const client = createClient(PipelineService, createConnectTransport({ baseUrl: emulator.url, httpVersion: "1.1" }));
    const error = await client.listPipelines({}).catch((e: unknown) => e);
    expect(codeNameOf(error)).toBe("unauthenticated");
  });
});

describe("rate limit", () => {
  it("answers excess calls with 429 resource_exhausted and Retry-After, and recovers as time passes", async () => {
    let clock = 1_000_000;
    const emulator = await startEmulator({ rps: 3, now: () => clock });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) {
        const res = await upsertJson(emulator.url, `p${i}`);
        statuses.push(res.status);
        if (res.status === 429) {
          expect(res.headers.get("retry-after")).toBe("1");
          expect(((await res.json()) as { code: string }).code).toBe("resource_exhausted");
        }
      }
      expect(statuses).toEqual([200, 200, 200, 429, 429]);
      expect(emulator.state().pipelines.map((p) => p.name)).toEqual(["p0", "p1", "p2"]);
      clock += 340; // one token back at 3 per second
      expect((await upsertJson(emulator.url, "p3")).status).toBe(200);
      expect((await upsertJson(emulator.url, "p4")).status).toBe(429);
      // The inspection routes are never limited.
      for (let i = 0; i < 5; i++) expect((await fetch(`${emulator.url}/_emulator/state`)).status).toBe(200);
    } finally {
      await emulator.stop();
    }
  });
});

describe("agent rate limit", () => {
  it("limits GetConfig and RegisterCollector with agentRps, apart from the management calls", async () => {
    const clock = 1_000_000;
    const emulator = await startEmulator({ rps: 1, agentRps: 2, now: () => clock });
    const call = (method: string, body: unknown) =>
      fetch(`${emulator.url}/collector.v1.CollectorService/${method}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      }).then((r) => r.status);
    try {
      // The management bucket (1/s) is spent by one call; the agent bucket (2/s) is not touched by it.
      expect(await call("ListCollectors", {})).toBe(200);
      expect(await call("ListCollectors", {})).toBe(429);
      expect(await call("RegisterCollector", { id: "c1", local_attributes: { env: "prod" } })).toBe(200);
      expect(await call("GetConfig", { id: "c1" })).toBe(200);
      expect(await call("GetConfig", { id: "c1" })).toBe(429);
      // UnregisterCollector is a management call: its bucket is still empty.
      expect(await call("UnregisterCollector", { id: "c1" })).toBe(429);
      const limits = await fetch(`${emulator.url}/tenant.v1.TenantService/GetLimits`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: "{}",
      });
      // GetLimits itself is a management call and finds the bucket empty too.
      expect(limits.status).toBe(429);
    } finally {
      await emulator.stop();
    }
  });

  it("reports both limits in GetLimits", async () => {
    const emulator = await startEmulator({ rps: 3, agentRps: 20 });
    try {
      const res = await fetch(`${emulator.url}/tenant.v1.TenantService/GetLimits`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: "{}",
      });
      expect(await res.json()).toMatchObject({ requestsPerSecondApi: 3, requestsPerSecondCollector: 20 });
    } finally {
      await emulator.stop();
    }
  });
});

describe("latency", () => {
  it("delays every RPC by latencyMs", async () => {
    const emulator = await startEmulator({ latencyMs: 40 });
    try {
      await upsertJson(emulator.url, "a");
      await fetch(`${emulator.url}/pipeline.v1.PipelineService/ListPipelines`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: "{}",
      });
      // A lower bound only: a loaded machine can only make calls slower.
      for (const entry of emulator.requests()) expect(entry.durationMs).toBeGreaterThanOrEqual(39);
    } finally {
      await emulator.stop();
    }
  });
});

describe("faults", () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startEmulator();
  });
  afterAll(() => emulator.stop());
  afterEach(() => {
    emulator.setFaults(undefined);
    emulator.reset();
  });

  const only = (kind: FaultKind, extra: object = {}) => emulator.setFaults({ rate: 1, kinds: [kind], seed: 7, ...extra });
  const binary = (timeoutMs?: number) =>
    createClient(
      PipelineService,
      createConnectTransport({
        baseUrl: emulator.url,
        httpVersion: "1.1",
        useBinaryFormat: true,
        ...(timeoutMs !== undefined ? { defaultTimeoutMs: timeoutMs } : {}),
      }),
    );
  const stored = () => emulator.state().pipelines.map((p) => p.name);

  it("says for each kind whether it strikes before or after the call is handled", () => {
    expect(FAULT_PHASES).toEqual({
      unavailable: "before",
      rate_limited: "before",
      drop: "before",
      unavailable_after: "after",
      drop_after: "after",
      timeout: "after",
    });
  });

  it("unavailable: 503 before handling, nothing stored", async () => {
    only("unavailable");
    const res = await upsertJson(emulator.url, "a");
    expect(res.status).toBe(503);
    expect(((await res.json()) as { code: string }).code).toBe("unavailable");
    expect(stored()).toEqual([]);
    expect(emulator.requests()[0]).toMatchObject({ code: "unavailable", fault: { kind: "unavailable", phase: "before" } });
    expect(emulator.requests()[0]).not.toHaveProperty("handlerCode");
  });

  it("rate_limited: 429 with Retry-After before handling", async () => {
    only("rate_limited", { retryAfterSeconds: 3 });
    const res = await upsertJson(emulator.url, "a");
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBe("3");
    expect(stored()).toEqual([]);
    const error = await binary().upsertPipeline({ pipeline: { name: "b", contents: "// x\n" } }).catch((e: unknown) => e);
    expect(codeNameOf(error)).toBe("resource_exhausted");
  });

  it("drop: the connection is cut before handling", async () => {
    only("drop");
    await expect(upsertJson(emulator.url, "a")).rejects.toThrow();
    const error = await binary().upsertPipeline({ pipeline: { name: "b", contents: "// x\n" } }).catch((e: unknown) => e);
    expect(codeNameOf(error)).not.toBe("ok");
    expect(stored()).toEqual([]);
    expect(emulator.requests().map((r) => [r.code, r.fault?.kind])).toEqual([
      ["dropped", "drop"],
      ["dropped", "drop"],
    ]);
  });

  it("unavailable_after: the change is stored, the client sees 503", async () => {
    only("unavailable_after");
    const error = await binary().upsertPipeline({ pipeline: { name: "a", contents: "// x\n" } }).catch((e: unknown) => e);
    expect(codeNameOf(error)).toBe("unavailable");
    expect(stored()).toEqual(["a"]);
    expect(emulator.requests()[0]).toMatchObject({
      code: "unavailable",
      handlerCode: "ok",
      status: 503,
      fault: { kind: "unavailable_after", phase: "after" },
    });
  });

  it("drop_after: the change is stored, the connection is cut", async () => {
    only("drop_after");
    await expect(upsertJson(emulator.url, "a")).rejects.toThrow();
    expect(stored()).toEqual(["a"]);
    expect(emulator.requests()[0]).toMatchObject({ code: "dropped", handlerCode: "ok" });
    expect(emulator.requests()[0]).not.toHaveProperty("status");
  });

  it("drop_after over HTTP/2 cuts the session", async () => {
    only("drop_after");
    const h2 = createClient(PipelineService, createConnectTransport({ baseUrl: emulator.url, httpVersion: "2" }));
    const error = await h2.upsertPipeline({ pipeline: { name: "a", contents: "// x\n" } }).catch((e: unknown) => e);
    expect(codeNameOf(error)).not.toBe("ok");
    expect(stored()).toEqual(["a"]);
  });

  it("timeout: the change is stored, the answer comes after the client's deadline", async () => {
    only("timeout");
    const error = await binary(60).upsertPipeline({ pipeline: { name: "a", contents: "// x\n" } }).catch((e: unknown) => e);
    expect(codeNameOf(error)).toBe("deadline_exceeded");
    expect(stored()).toEqual(["a"]);
    await expect.poll(() => emulator.requests().length).toBe(1);
    expect(emulator.requests()[0]).toMatchObject({ code: "deadline_exceeded", handlerCode: "ok", fault: { kind: "timeout" } });
  });

  it("timeout without a client deadline holds the answer for holdMs, then answers", async () => {
    only("timeout", { holdMs: 30 });
    const res = await upsertJson(emulator.url, "a");
    expect(res.status).toBe(200);
    expect(emulator.requests()[0]!.durationMs).toBeGreaterThanOrEqual(29);
  });

  it("draws the same faults for the same seed, and other faults for another seed", async () => {
    const run = async (seed: number) => {
      emulator.reset();
      emulator.setFaults({ rate: 0.5, seed, kinds: ["unavailable", "rate_limited", "unavailable_after"] });
      const outcomes: string[] = [];
      for (let i = 0; i < 24; i++) {
        const res = await upsertJson(emulator.url, `p${i}`);
        await res.body?.cancel();
      }
      for (const r of emulator.requests()) outcomes.push(r.fault?.kind ?? "none");
      return outcomes;
    };
    const first = await run(42);
    expect(await run(42)).toEqual(first);
    expect(await run(43)).not.toEqual(first);
    expect(first.filter((o) => o !== "none").length).toBeGreaterThan(0);
    expect(first.filter((o) => o === "none").length).toBeGreaterThan(0);
    // reset() restarts the sequence from the seed.
    emulator.reset();
    emulator.setFaults({ rate: 0.5, seed: 42, kinds: ["unavailable", "rate_limited", "unavailable_after"] });
    expect(await run(42)).toEqual(first);
  });

  it("limits faults to the named methods, without consuming draws for the others", async () => {
    emulator.setFaults({ rate: 1, kinds: ["unavailable"], methods: ["UpsertPipeline"] });
    const list = await fetch(`${emulator.url}/pipeline.v1.PipelineService/ListPipelines`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    expect(list.status).toBe(200);
    expect((await upsertJson(emulator.url, "a")).status).toBe(503);
  });

  it("uses mulberry32, reproducible across runs", () => {
    const a = createPrng(1);
    const b = createPrng(1);
    const seq = Array.from({ length: 5 }, () => a());
    expect(Array.from({ length: 5 }, () => b())).toEqual(seq);
    expect(seq.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(createPrng(2)()).not.toBe(seq[0]);
  });

  it("rejects invalid fault settings", () => {
    expect(() => emulator.setFaults({ rate: 2 })).toThrow(/rate/);
    expect(() => emulator.setFaults({ rate: 0.1, kinds: ["nope" as FaultKind] })).toThrow(/unknown fault kind/);
  });
});
