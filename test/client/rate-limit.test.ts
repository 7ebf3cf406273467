// The token bucket, on an injected clock: no wall-clock thresholds.
import { Code, ConnectError, createRouterTransport } from "@connectrpc/connect";
import { describe, expect, it } from "vitest";
import { CollectorService } from "../../gen/collector/v1/collector_pb.js";
import { PipelineService } from "../../gen/pipeline/v1/pipeline_pb.js";
import { createFleetClient, createRateLimiter } from "../../src/client/index.js";
import { fakeClock } from "./helpers/fakes.js";

const perToken = 1000 / 3;

describe("createRateLimiter", () => {
  it("holds a burst of 20 calls to 3 requests/s after a burst of 3", async () => {
    const clock = fakeClock(0);
    const limiter = createRateLimiter({ requestsPerSecond: 3, burst: 3, clock });
    const granted: number[] = [];
    // Every caller queues at t = 0, so the time it waited is the time it was let through.
    await Promise.all(Array.from({ length: 20 }, () => limiter.acquire().then((waited) => granted.push(waited))));
    expect(granted).toHaveLength(20);
    granted.forEach((t, i) => {
      const expected = Math.max(0, i - 2) * perToken;
      // never early; late only by the whole-millisecond rounding of each wait
      expect(t).toBeGreaterThanOrEqual(expected - 1e-9);
      expect(t).toBeLessThanOrEqual(expected + 1 * Math.max(0, i - 2));
    });
    // No 1-second window sees more than burst + rate requests.
    for (const start of granted) {
      expect(granted.filter((t) => t >= start && t < start + 1000).length).toBeLessThanOrEqual(6);
    }
  });

  it("refills while idle, up to the burst", async () => {
    const clock = fakeClock(0);
    const limiter = createRateLimiter({ requestsPerSecond: 2, burst: 2, clock });
    await limiter.acquire();
    await limiter.acquire();
    clock.advance(10_000);
    const waits = [await limiter.acquire(), await limiter.acquire(), await limiter.acquire()];
    expect(waits).toEqual([0, 0, 500]);
  });

  it("an aborted wait rejects with Canceled and frees its place", async () => {
    const clock = fakeClock(0);
    const limiter = createRateLimiter({ requestsPerSecond: 3, burst: 1, clock });
    await limiter.acquire();
    const controller = new AbortController();
    const granted: Record<string, number> = {};
    const a = limiter.acquire().then((waited) => (granted["a"] = waited));
    const b = limiter.acquire(controller.signal);
    const c = limiter.acquire().then((waited) => (granted["c"] = waited));
    controller.abort();
    const err = await b.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectError);
    expect((err as ConnectError).code).toBe(Code.Canceled);
    await Promise.all([a, c]);
    expect(granted["a"]).toBeCloseTo(334, 0);
    // c takes b's place: the second token, not the third
    expect(granted["c"]).toBeLessThan(2 * perToken + 2);
  });

  it("rejects with the signal's ConnectError reason (a deadline) and at once when already aborted", async () => {
    const limiter = createRateLimiter({ requestsPerSecond: 1, burst: 1, clock: fakeClock(0) });
    await limiter.acquire();
    const controller = new AbortController();
    const pending = limiter.acquire(controller.signal);
    controller.abort(new ConnectError("timed out", Code.DeadlineExceeded));
    expect(((await pending.catch((e: unknown) => e)) as ConnectError).code).toBe(Code.DeadlineExceeded);
    const err = await limiter.acquire(AbortSignal.abort()).catch((e: unknown) => e);
    expect((err as ConnectError).code).toBe(Code.Canceled);
  });

  it("an abort with the real clock releases the waiter without waiting for a token", async () => {
    const limiter = createRateLimiter({ requestsPerSecond: 0.001, burst: 1 });
    await limiter.acquire();
    const controller = new AbortController();
    const pending = limiter.acquire(controller.signal);
    setTimeout(() => controller.abort(), 5);
    const err = await pending.catch((e: unknown) => e);
    expect((err as ConnectError).code).toBe(Code.Canceled);
  });

  it("refuses nonsense settings", () => {
    expect(() => createRateLimiter({ requestsPerSecond: 0, burst: 1 })).toThrow(RangeError);
    expect(() => createRateLimiter({ requestsPerSecond: 1, burst: 0.5 })).toThrow(RangeError);
  });
});

describe("the client's rate limit", () => {
  function setup(options: { rateLimit?: boolean | { requestsPerSecond?: number; burst?: number }; failTwice?: boolean } = {}) {
    const clock = fakeClock(0);
    const hits: Array<[string, number]> = [];
    let failures = options.failTwice === true ? 2 : 0;
    const transport = createRouterTransport(({ service }) => {
      service(PipelineService, {
        listPipelines() {
          hits.push(["listPipelines", clock.now()]);
          if (failures > 0) {
            failures--;
            throw new ConnectError("busy", Code.Unavailable);
          }
          return {};
        },
      });
      service(CollectorService, {
        listCollectors() {
          hits.push(["listCollectors", clock.now()]);
          return {};
        },
      });
    });
    const fakeFetch: typeof fetch = async () => {
      hits.push(["getLimits", clock.now()]);
      return new Response("{}", { headers: { "content-type": "application/json" } });
    };
    const client = createFleetClient({
      baseUrl: "https://fleet.example.com",
      transport,
      fetch: fakeFetch,
      clock,
      random: () => 0.5,
      ...(options.rateLimit !== undefined ? { rateLimit: options.rateLimit } : {}),
    });
    return { client, hits };
  }

  it("is one bucket for pipelines, collectors and getLimits (default 3/s, burst 2)", async () => {
    const { client, hits } = setup();
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        i % 3 === 0 ? client.pipelines.listPipelines({}) : i % 3 === 1 ? client.collectors.listCollectors({}) : client.getLimits(),
      ),
    );
    expect(hits).toHaveLength(20);
    expect(new Set(hits.map(([name]) => name))).toEqual(new Set(["listPipelines", "listCollectors", "getLimits"]));
    const times = hits.map(([, t]) => t).sort((x, y) => x - y);
    expect(times.slice(0, 2)).toEqual([0, 0]);
    expect(times[2]).toBeGreaterThanOrEqual(perToken);
    expect(times[19]).toBeGreaterThanOrEqual(18 * perToken);
    expect(times[19]).toBeLessThan(18 * perToken + 20);
  });

  it("charges every retry attempt a token", async () => {
    const { client, hits } = setup({ rateLimit: { requestsPerSecond: 1, burst: 1 }, failTwice: true });
    await client.pipelines.listPipelines({});
    expect(hits.map(([, t]) => t)).toEqual([0, 1000, 2000]);
  });

  it("rateLimit: false sends at once", async () => {
    const { client, hits } = setup({ rateLimit: false });
    await Promise.all(Array.from({ length: 10 }, () => client.pipelines.listPipelines({})));
    expect(hits.every(([, t]) => t === 0)).toBe(true);
  });

  it("a caller's abort while waiting for a token gives Canceled", async () => {
    const { client } = setup({ rateLimit: { requestsPerSecond: 0.001, burst: 1 } });
    await client.pipelines.listPipelines({});
    const err = await client.pipelines.listPipelines({}, { signal: AbortSignal.abort() }).catch((e: unknown) => e);
    expect((err as ConnectError).code).toBe(Code.Canceled);
  });
});
