// Issue "Safe against other writers", points 7 and 11: the pipeline limit
// blocks only plans that raise the count, and one answer to what a pipeline
// without matchers reaches.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { previewCollectors } from "../../src/apply/index.js";
import { FLEET_EMPTY_MATCHERS } from "../../src/matchers/index.js";
import { planSync } from "../../src/plan/index.js";
import type { RemotePipeline, SourceScope } from "../../src/pipelines/index.js";
import { startHarness, type Harness } from "../apply/harness.js";

const SCOPE: SourceScope = { type: "git", namespace: "ns" };
const remote = (name: string, id: string, source: SourceScope = SCOPE): RemotePipeline => ({
  id,
  source,
  spec: { name, contents: `// ${name}\n`, matchers: [], enabled: true, configType: "alloy" },
});
const spec = (name: string, contents = `// ${name}\n`) => ({ name, contents });

describe("the limit blocks only plans that raise the count (point 7)", () => {
  // A stack of 5 under a limit of 3 (the limit was lowered, or pipelines came from elsewhere).
  const over = [remote("a", "1"), remote("b", "2"), remote("c", "3"), remote("t1", "4", { type: "terraform", namespace: "x" }), remote("t2", "5", { type: "terraform", namespace: "x" })];

  it("an update on a stack already over its limit is not blocked, and the warning stays", () => {
    const plan = planSync({ desired: [spec("a", "// changed\n"), spec("b"), spec("c")], remote: over, scope: SCOPE, limit: 3 });
    expect(plan.counts.update).toBe(1);
    const f = plan.findings.find((x) => x.code === "LIMIT_EXCEEDED");
    expect(f).toMatchObject({ blocking: false, severity: "warning" });
    expect(plan.blocked).toBe(false);
  });

  it("a rename (one create, one delete) keeps the count and is not blocked", () => {
    const plan = planSync({ desired: [spec("a"), spec("b"), spec("renamed")], remote: over, scope: SCOPE, limit: 3 });
    expect(plan.counts).toMatchObject({ create: 1, delete: 1 });
    expect(plan.blocked).toBe(false);
  });

  it("a plan that adds one more is blocked", () => {
    const plan = planSync({ desired: [spec("a"), spec("b"), spec("c"), spec("d")], remote: over, scope: SCOPE, limit: 3 });
    expect(plan.findings.find((x) => x.code === "LIMIT_EXCEEDED")).toMatchObject({ blocking: true, names: ["d"] });
    expect(plan.blocked).toBe(true);
  });

  it("no limit (null) never blocks, and the plan says where the limit came from", () => {
    const plan = planSync({ desired: [spec("a"), spec("b"), spec("c"), spec("d")], remote: over, scope: SCOPE, limit: null, limitSource: "stack" });
    expect(plan.findings.map((f) => f.code)).not.toContain("LIMIT_EXCEEDED");
    expect(plan.limit).toBeNull();
    expect(plan.limitSource).toBe("stack");
    expect(planSync({ desired: [], remote: [], scope: SCOPE }).limitSource).toBe("default");
    expect(planSync({ desired: [], remote: [], scope: SCOPE, limit: 5 }).limitSource).toBe("configured");
  });
});

describe("a pipeline without matchers reaches the same collectors in the preview and in GetConfig (point 11)", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.stop();
  });

  it("one constant decides, and both sides follow it", async () => {
    await h.client.collectors.registerCollector({ id: "c1", name: "c1", localAttributes: { env: "prod" } });
    await h.client.pipelines.upsertPipeline({
      pipeline: { name: "bare", contents: "// bare\n", matchers: [], enabled: true, configType: 1, source: { type: 1, namespace: "ns" } },
    });
    const config = await h.client.collectors.getConfig({ id: "c1", localAttributes: { env: "prod" } });
    const delivered = config.content.includes('"bare"');

    const plan = planSync({ desired: [spec("bare")], remote: [], scope: SCOPE });
    const preview = await previewCollectors(h.client, plan);
    const reached = preview.pipelines.find((p) => p.name === "bare")!.collectors;

    expect(delivered).toBe(FLEET_EMPTY_MATCHERS === "all");
    expect(reached).toBe(delivered ? 1 : 0);
  });
});
