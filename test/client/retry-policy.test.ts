// The retry policy as pure functions.
import { Code, ConnectError } from "@connectrpc/connect";
import { describe, expect, it } from "vitest";
import { PipelineService } from "../../gen/pipeline/v1/pipeline_pb.js";
import { CollectorService } from "../../gen/collector/v1/collector_pb.js";
import { isRetryableMethod, parseRetryAfter } from "../../src/client/index.js";
import { backoffDelayMs, decideRetry, isTransientError } from "../../src/client/retry-policy.js";
import { defaultRetry } from "../../src/client/index.js";

describe("isRetryableMethod", () => {
  it("refuses exactly the create methods", () => {
    const refused = [...PipelineService.methods, ...CollectorService.methods].filter((m) => !isRetryableMethod(m)).map((m) => m.name);
    expect(refused.sort()).toEqual(["CreateAlloyPipelines", "CreateCollector", "CreatePipeline"]);
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
    [new ConnectError("x", Code.ResourceExhausted), true],
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
  const list = { name: "ListPipelines" };
  const base = { method: list, attempt: 1, policy, nowMs: 0, deadlineMs: undefined, random: () => 0.5 };

  it("waits for Retry-After when it is within the cap, else stops", () => {
    const err = (s: string) => new ConnectError("x", Code.ResourceExhausted, { "retry-after": s });
    expect(decideRetry({ ...base, error: err("3") })).toEqual({ retry: true, delayMs: 3000, reason: "retry-after" });
    expect(decideRetry({ ...base, error: err("30") }).retry).toBe(false);
  });

  it("stops at maxAttempts and before the deadline", () => {
    const err = new ConnectError("x", Code.Unavailable);
    expect(decideRetry({ ...base, error: err, attempt: 4 }).retry).toBe(false);
    expect(decideRetry({ ...base, error: err, deadlineMs: 100 }).retry).toBe(false); // 125 ms would pass it
    expect(decideRetry({ ...base, error: err, deadlineMs: 1000 })).toEqual({ retry: true, delayMs: 125, reason: "backoff" });
  });
});
