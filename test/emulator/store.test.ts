// The pure parts, driven directly: no server.
import { create } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { EmulatorStore } from "../../src/emulator/index.js";
import { effectiveAttributes } from "../../src/emulator/attributes.js";
import { createRateLimiter } from "../../src/emulator/rate-limiter.js";
import { isAuthorized } from "../../src/emulator/auth.js";
import { PipelineSchema, PipelineSource_SourceType, PipelineSourceSchema } from "../../gen/pipeline/v1/pipeline_pb.js";

const pipeline = (name: string, extra: Partial<{ matchers: string[]; contents: string; enabled: boolean }> = {}) =>
  create(PipelineSchema, { name, contents: extra.contents ?? "// x\n", matchers: extra.matchers ?? [], ...(extra.enabled !== undefined ? { enabled: extra.enabled } : {}) });

describe("EmulatorStore", () => {
  it("keeps updatedAt and writes no revision when a write changes nothing", () => {
    let clock = 1000;
    const store = new EmulatorStore({ now: () => clock });
    const first = store.upsertPipeline(pipeline("a"));
    clock = 5000;
    const same = store.upsertPipeline(pipeline("a"));
    expect(same.updatedAt).toEqual(first.updatedAt);
    expect(store.listRevisions()).toHaveLength(1);
    const changed = store.upsertPipeline(pipeline("a", { contents: "// y\n" }));
    expect(Number(changed.updatedAt!.seconds)).toBe(5);
    expect(Number(changed.createdAt!.seconds)).toBe(1);
    expect(store.listRevisions()).toHaveLength(2);
  });

  it("makes pipelines without matchers match nothing, or everything with emptyMatchers: all", () => {
    const none = new EmulatorStore();
    const all = new EmulatorStore({ emptyMatchers: "all" });
    for (const store of [none, all]) {
      store.createPipeline(pipeline("bare"));
      store.createPipeline(pipeline("prod", { matchers: ["env=prod"] }));
    }
    const filter = { localAttributes: { env: "prod" } };
    expect(none.listPipelines(filter).map((p) => p.name)).toEqual(["prod"]);
    expect(all.listPipelines(filter).map((p) => p.name)).toEqual(["bare", "prod"]);
  });

  it("does not count a sync that shrinks the stack against the limit, even when already over it", () => {
    const store = new EmulatorStore({ pipelineLimit: 2 });
    const git = create(PipelineSourceSchema, { type: PipelineSource_SourceType.GIT, namespace: "n" });
    for (const name of ["a", "b", "c"]) store.seedPipeline(create(PipelineSchema, { name, contents: "// x\n", source: git }));
    store.syncPipelines(git, [pipeline("a"), pipeline("b")]);
    expect(store.pipelineCount()).toBe(2);
    expect(() => store.createPipeline(pipeline("d"))).toThrow(/limit of 2/);
  });

  it("bumps its version on every change, for the state file", () => {
    const store = new EmulatorStore();
    const v0 = store.version;
    store.createPipeline(pipeline("a"));
    expect(store.version).toBeGreaterThan(v0);
    const v1 = store.version;
    store.upsertPipeline(pipeline("a"), true);
    store.listPipelines();
    expect(store.version).toBe(v1);
  });
});

describe("effectiveAttributes", () => {
  it("lets remote win except on collector.* keys, and adds collector.ID", () => {
    expect(
      effectiveAttributes({ env: "dev", "collector.os": "linux" }, { env: "prod", "collector.os": "windows", team: "a" }, "c-1"),
    ).toEqual({ env: "prod", "collector.os": "linux", team: "a", "collector.ID": "c-1" });
  });
});

describe("rate limiter", () => {
  it("admits rps calls per second with a burst of rps", () => {
    let t = 0;
    const limiter = createRateLimiter(2, () => t);
    expect([limiter.take().allowed, limiter.take().allowed, limiter.take().allowed]).toEqual([true, true, false]);
    t = 499;
    expect(limiter.take()).toEqual({ allowed: false, retryAfterSeconds: 1 });
    t = 500;
    expect(limiter.take().allowed).toBe(true);
  });

  it("is a no-op without a positive rps", () => {
    const limiter = createRateLimiter(undefined, () => 0);
    for (let i = 0; i < 100; i++) expect(limiter.take().allowed).toBe(true);
  });
});

describe("isAuthorized", () => {
  const creds = { user: "123", token: "tok:with:colons" };
  const header = (s: string) => `Basic ${Buffer.from(s).toString("base64")}`;
  it("accepts exactly the configured user and token", () => {
    expect(isAuthorized(header("123:tok:with:colons"), creds)).toBe(true);
    expect(isAuthorized(header("123:tok"), creds)).toBe(false);
    expect(isAuthorized(header("1234:tok:with:colons"), creds)).toBe(false);
    expect(isAuthorized(undefined, creds)).toBe(false);
    expect(isAuthorized("Basic !!!", creds)).toBe(false);
  });
});
