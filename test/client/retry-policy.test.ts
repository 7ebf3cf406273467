// The retry policy as pure functions.
import { Code, ConnectError } from "@connectrpc/connect";
import { describe, expect, it } from "vitest";
import { PipelineService } from "../../gen/pipeline/v1/pipeline_pb.js";
import { CollectorService } from "../../gen/collector/v1/collector_pb.js";
import { isRetryableMethod, parseRetryAfter } from "../../src/client/index.js";
import {
  backoffDelayMs,
  decideRetry,
  DELETE_PROCEDURES,
  isTransientError,
  mayHaveTakenEffect,
  NEVER_RETRY_PROCEDURES,
  READ_PROCEDURES,
  RETRY_SAFE_PROCEDURES,
} from "../../src/client/retry-policy.js";
import { TenantService } from "../../src/client/tenant-limits.js";
import { defaultRetry } from "../../src/client/index.js";

describe("isRetryableMethod: one allowlist", () => {
  const generated = [...PipelineService.methods, ...CollectorService.methods, ...TenantService.methods];

  it("classifies every method of the generated services deliberately", () => {
    const undecided = generated
      .map((m) => `${m.parent.typeName}/${m.name}`)
      .filter((p) => !RETRY_SAFE_PROCEDURES.has(p) && !NEVER_RETRY_PROCEDURES.has(p));
    expect(undecided).toEqual([]);
    // And no name in the lists is a typo: each names a real method, and none is in both.
    const real = new Set(generated.map((m) => `${m.parent.typeName}/${m.name}`));
    expect([...RETRY_SAFE_PROCEDURES, ...NEVER_RETRY_PROCEDURES.keys()].filter((p) => !real.has(p))).toEqual([]);
    expect([...NEVER_RETRY_PROCEDURES.keys()].filter((p) => RETRY_SAFE_PROCEDURES.has(p))).toEqual([]);
  });

  it("refuses exactly the creates and BulkUpdateCollectors", () => {
    const refused = generated.filter((m) => !isRetryableMethod(m)).map((m) => m.name);
    expect(refused.sort()).toEqual(["BulkUpdateCollectors", "CreateAlloyPipelines", "CreateCollector", "CreatePipeline"]);
  });

  it("allows the reads, the full replacements, the deletes and the agent calls", () => {
    for (const name of [
      "pipeline.v1.PipelineService/GetPipeline",
      "pipeline.v1.PipelineService/UpsertPipeline",
      "pipeline.v1.PipelineService/UpdatePipeline",
      "pipeline.v1.PipelineService/SyncPipelines",
      "pipeline.v1.PipelineService/BulkDeletePipelines",
      "collector.v1.CollectorService/UpdateCollector",
      "collector.v1.CollectorService/BulkDeleteCollectors",
      "collector.v1.CollectorService/RegisterCollector",
      "collector.v1.CollectorService/UnregisterCollector",
      "collector.v1.CollectorService/GetConfig",
      "tenant.v1.TenantService/GetLimits",
    ]) {
      expect(isRetryableMethod(name), name).toBe(true);
    }
  });

  it("never retries a method it does not know, even one named like a read", () => {
    expect(isRetryableMethod("pipeline.v1.PipelineService/PatchPipeline")).toBe(false);
    expect(isRetryableMethod("pipeline.v1.PipelineService/GetPipelineSomethingNew")).toBe(false);
    expect(isRetryableMethod({ name: "ListPipelines", parent: { typeName: "pipeline.v2.PipelineService" } })).toBe(false);
    expect(isRetryableMethod({ name: "ListPipelines", parent: { typeName: "pipeline.v1.PipelineService" } })).toBe(true);
  });

  it("the reads and deletes are in the allowlist", () => {
    for (const p of [...READ_PROCEDURES, ...DELETE_PROCEDURES]) expect(RETRY_SAFE_PROCEDURES.has(p), p).toBe(true);
  });
});

describe("parseRetryAfter", () => {
  const now = Date.UTC(2026, 0, 1, 12, 0, 0);
  it.each([
    ["0", 0],
    ["7", 7000],
    [" 2 ", 2000],
    ["Thu, 01 Jan 2026 12:00:05 GMT", 5000],
    ["Thu, 01 Jan 2026 11:59:00 GMT", 0],
    ["-1", undefined],
    ["1.5", undefined],
    ["soon", undefined],
    ["", undefined],
    [null, undefined],
  ])("%j → %j", (value, expected) => {
    expect(parseRetryAfter(value, now)).toBe(expected);
  });
});

describe("backoff", () => {
  it("is full jitter under a doubling ceiling capped at maxDelayMs", () => {
    const policy = { initialDelayMs: 100, maxDelayMs: 1000 };
    expect([1, 2, 3, 4, 5].map((n) => backoffDelayMs(n, policy, () => 0.999999))).toEqual([99, 199, 399, 799, 999]);
    expect(backoffDelayMs(3, policy, () => 0)).toBe(0);
  });
});

describe("isTransientError", () => {
  it.each([
    [new ConnectError("x", Code.Unavailable), true],
    // A quota (the pipeline limit) is resource_exhausted without Retry-After: waiting does not help.
    [new ConnectError("x", Code.ResourceExhausted), false],
    [new ConnectError("x", Code.ResourceExhausted, { "retry-after": "1" }), true],
    [new ConnectError("x", Code.DeadlineExceeded), true],
    [new ConnectError("socket hang up", Code.Aborted, undefined, undefined, Object.assign(new Error("socket hang up"), { code: "ECONNRESET" })), true],
    [new ConnectError("fetch failed", Code.Unknown, undefined, undefined, new TypeError("fetch failed", { cause: { code: "UND_ERR_SOCKET" } })), true],
    [new ConnectError("x", Code.Aborted), false],
    [new ConnectError("x", Code.Unknown), false],
    [new ConnectError("x", Code.Internal), false],
    [new ConnectError("x", Code.Unauthenticated), false],
  ])("%s → %s", (error, expected) => {
    expect(isTransientError(error)).toBe(expected);
  });
});

describe("decideRetry", () => {
  const policy = { ...defaultRetry, attemptTimeoutMs: undefined };
  const list = "pipeline.v1.PipelineService/ListPipelines";
  const base = { method: list, attempt: 1, policy, nowMs: 0, deadlineMs: undefined, random: () => 0.5 };

  it("waits for Retry-After when it is within the cap, else stops", () => {
    const err = (s: string) => new ConnectError("x", Code.ResourceExhausted, { "retry-after": s });
    expect(decideRetry({ ...base, error: err("3") })).toEqual({ retry: true, delayMs: 3000, reason: "retry-after" });
    expect(decideRetry({ ...base, error: err("30") }).retry).toBe(false);
  });

  it("does not repeat a method outside the allowlist, whatever the error", () => {
    const error = new ConnectError("x", Code.Unavailable);
    for (const method of ["pipeline.v1.PipelineService/RenamePipeline", "collector.v1.CollectorService/BulkUpdateCollectors"]) {
      expect(decideRetry({ ...base, method, error })).toEqual({ retry: false, reason: "method is not safe to repeat" });
    }
  });

  it("repeats a rate limit, not a quota", () => {
    const quota = new ConnectError("pipeline limit of 200 reached", Code.ResourceExhausted, { "content-type": "application/json" });
    expect(decideRetry({ ...base, error: quota })).toEqual({ retry: false, reason: "error is not transient" });
    const rate = new ConnectError("rate limit exceeded", Code.ResourceExhausted, { "retry-after": "1" });
    expect(decideRetry({ ...base, error: rate })).toEqual({ retry: true, delayMs: 1000, reason: "retry-after" });
  });

  it("stops at maxAttempts and before the deadline", () => {
    const err = new ConnectError("x", Code.Unavailable);
    expect(decideRetry({ ...base, error: err, attempt: 4 }).retry).toBe(false);
    expect(decideRetry({ ...base, error: err, deadlineMs: 100 }).retry).toBe(false); // 125 ms would pass it
    expect(decideRetry({ ...base, error: err, deadlineMs: 1000 })).toEqual({ retry: true, delayMs: 125, reason: "backoff" });
  });
});

describe("mayHaveTakenEffect", () => {
  const answered = { "content-type": "application/json" };
  it.each([
    ["a reset after sending", new ConnectError("socket hang up", Code.Aborted, undefined, undefined, Object.assign(new Error("x"), { code: "ECONNRESET" })), true],
    ["an attempt's deadline", new ConnectError("attempt 1 did not complete", Code.DeadlineExceeded), true],
    ["a 503 from a server or gateway", new ConnectError("down", Code.Unavailable, answered), true],
    ["a 500", new ConnectError("boom", Code.Internal, answered), true],
    ["a refused connection", new ConnectError("refused", Code.Unavailable, undefined, undefined, Object.assign(new Error("x"), { code: "ECONNREFUSED" })), false],
    ["a rate limit", new ConnectError("slow down", Code.ResourceExhausted, { ...answered, "retry-after": "1" }), false],
    ["not_found from the server", new ConnectError("gone", Code.NotFound, answered), false],
    ["invalid_argument from the server", new ConnectError("bad", Code.InvalidArgument, answered), false],
  ])("%s → %s", (_name, error, expected) => {
    expect(mayHaveTakenEffect(error)).toBe(expected);
  });
});
