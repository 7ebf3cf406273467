// Property tests of planSync over random remotes, desired sets and scopes.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canonicalMatcher } from "../../src/matchers/index.js";
import type { JsonObject, PipelineSpec, RemotePipeline, SourceRef, SourceScope } from "../../src/pipelines/index.js";
import { fingerprintRemote, parsePlan, planSync, type SyncPlan, type SyncPolicy } from "../../src/plan/index.js";
import { renderPlanJson } from "../../src/render/index.js";

const NAMES = ["alpha", "beta", "gamma", "delta", "eps", "zeta", "Eta", "théta"];
const SCOPES: SourceScope[] = [
  { type: "git", namespace: "repo" },
  { type: "git", namespace: "other" },
  { type: "terraform", namespace: "repo" },
];
const SOURCES: (SourceRef | undefined)[] = [
  { type: "git", namespace: "repo" },
  { type: "git", namespace: "other" },
  { type: "terraform", namespace: "repo" },
  { type: "grafana", namespace: "" },
  { type: "unspecified", namespace: "repo" },
  undefined,
];
// Different spellings of few meanings, so equal and unequal specs both come up.
const CONTENTS = ["x", "x\n", "x\r\n", "x\n\n", "y\n", "y\r\ny\n", "y\ny"];
const MATCHERS = ["env=prod", 'env="prod"', "env = prod", 'team=~"a|b"', "team=~a|b", "os!=windows", "bad=~("];
const METADATA: (JsonObject | undefined)[] = [undefined, {}, { a: 1 }, { b: [1, { c: null }], a: 1 }, { a: 1, b: [1, { c: null }] }, { a: 2 }];

const specFields = fc.record({
  contents: fc.constantFrom(...CONTENTS),
  matchers: fc.subarray(MATCHERS),
  enabled: fc.constantFrom(true, false, undefined),
  configType: fc.constantFrom("alloy" as const, undefined),
  metadata: fc.constantFrom(...METADATA),
});

function clean<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

const desiredArb: fc.Arbitrary<PipelineSpec[]> = fc
  .uniqueArray(fc.constantFrom(...NAMES), { maxLength: NAMES.length })
  .chain((names) =>
    fc.tuple(...names.map((name) => specFields.map((f) => clean({ name, ...f, file: `p/${name}.yaml` }) as PipelineSpec))),
  );

const remoteArb: fc.Arbitrary<RemotePipeline[]> = fc
  .uniqueArray(fc.constantFrom(...NAMES), { maxLength: NAMES.length })
  .chain((names) =>
    fc.tuple(
      ...names.map((name, i) =>
        fc.record({ f: specFields, source: fc.constantFrom(...SOURCES), unset: fc.boolean() }).map(({ f, source, unset }) => {
          const spec = clean({ name, contents: f.contents, matchers: f.matchers, enabled: f.enabled ?? true, configType: f.configType ?? "alloy", metadata: f.metadata });
          const r: RemotePipeline = { id: String(100 + i), spec: spec as RemotePipeline["spec"] };
          if (source !== undefined) r.source = source;
          if (unset && f.enabled === undefined) r.enabledUnset = true;
          return r;
        }),
      ),
    ),
  );

const policyArb: fc.Arbitrary<SyncPolicy> = fc
  .record({
    allowTakeover: fc.oneof(fc.constant(undefined), fc.constant("*" as const), fc.subarray(NAMES)),
    allowEmpty: fc.constantFrom(undefined, true, false),
    maxDeletes: fc.constantFrom(undefined, 0, 3, 100),
  })
  .map((p) => clean(p) as SyncPolicy);

const inputArb = fc.record({
  desired: desiredArb,
  remote: remoteArb,
  scope: fc.constantFrom(...SCOPES),
  policy: policyArb,
  limit: fc.constantFrom(5, 8, 200),
});

const inScope = (source: SourceRef | undefined, scope: SourceScope) =>
  source !== undefined && source.type === scope.type && source.namespace === scope.namespace;

/** What the service would hold after the plan's writes (SyncPipelines semantics). */
function simulate(plan: SyncPlan, remote: RemotePipeline[]): RemotePipeline[] {
  const byName = new Map(remote.map((r) => [r.spec.name, r]));
  let nextId = 1;
  for (const a of plan.actions) {
    if (a.kind === "delete") byName.delete(a.name);
    if (a.kind === "create" || a.kind === "update" || a.kind === "takeover") {
      const { file: _f, contentsFile: _c, ...spec } = a.desired!;
      byName.set(a.name, { id: a.remote?.id ?? `new${nextId++}`, source: { ...plan.scope }, spec });
    }
  }
  return [...byName.values()];
}

// An oracle for semantic equality written independently of src/pipelines.
function oracleEqual(r: RemotePipeline, d: PipelineSpec): boolean {
  const text = (s: string) => {
    const lf = s.replace(/\r\n?/g, "\n").replace(/\n+$/, "");
    return lf === "" ? "" : lf + "\n";
  };
  const set = (ms: string[]) =>
    JSON.stringify(
      [...new Set(ms.map((m) => { try { return canonicalMatcher(m); } catch { return m; } }))].sort(),
    );
  const meta = (m: JsonObject | undefined) => {
    if (m === undefined || Object.keys(m).length === 0) return "null";
    const sort = (v: unknown): unknown =>
      Array.isArray(v) ? v.map(sort) : v && typeof v === "object" ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, x]) => [k, sort(x)])) : v;
    return JSON.stringify(sort(m));
  };
  return (
    text(r.spec.contents) === text(d.contents) &&
    set(r.spec.matchers) === set(d.matchers ?? []) &&
    r.enabledUnset !== true &&
    r.spec.enabled === (d.enabled ?? true) &&
    r.spec.configType === (d.configType ?? "alloy") &&
    meta(r.spec.metadata) === meta(d.metadata)
  );
}

function shuffled<T>(items: readonly T[]): fc.Arbitrary<T[]> {
  return fc.shuffledSubarray([...items], { minLength: items.length, maxLength: items.length });
}

describe("planSync properties", () => {
  it("never deletes outside the scope", () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const plan = planSync(input);
        for (const a of plan.actions.filter((x) => x.kind === "delete")) {
          expect(inScope(a.remote!.source, input.scope)).toBe(true);
          expect(input.desired.some((d) => d.name === a.name)).toBe(false);
        }
      }),
    );
  });

  it("simulating the plan gives exactly the desired set in scope, leaves others alone except takeovers, and converges", () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const plan = planSync(input);
        const after = simulate(plan, input.remote);
        const scoped = after.filter((r) => inScope(r.source, input.scope));
        expect(scoped.map((r) => r.spec.name).sort()).toEqual(input.desired.map((d) => d.name).sort());
        for (const r of scoped) {
          const d = input.desired.find((x) => x.name === r.spec.name)!;
          expect(oracleEqual(r, d)).toBe(true);
        }
        const takenOver = new Set(plan.actions.filter((a) => a.kind === "takeover").map((a) => a.name));
        for (const before of input.remote) {
          if (inScope(before.source, input.scope) || takenOver.has(before.spec.name)) continue;
          expect(after).toContain(before); // the very same object: untouched
        }
        if (!plan.blocked) for (const a of plan.actions) if (a.kind === "takeover") expect(a.allowed).toBe(true);
        expect(plan.projectedCount).toBe(after.length);
        // Planning again on the result finds nothing to do.
        const again = planSync({ ...input, remote: after });
        expect(again.actions.every((a) => a.kind === "noop")).toBe(true);
      }),
    );
  });

  it("does not depend on the order of its inputs (duplicates included)", () => {
    const withDuplicates = inputArb.chain((input) =>
      fc.record({
        input: fc.constant(input),
        extra: fc.subarray(input.desired).map((ds) => ds.map((d) => ({ ...d, contents: d.contents + "dup", file: `q/${d.name}.yaml` }))),
      }),
    );
    fc.assert(
      fc.property(
        withDuplicates.chain(({ input, extra }) =>
          fc.record({
            input: fc.constant({ ...input, desired: [...input.desired, ...extra] }),
            desired2: shuffled([...input.desired, ...extra]),
            remote2: shuffled(input.remote),
          }),
        ),
        ({ input, desired2, remote2 }) => {
          const a = planSync(input);
          const b = planSync({ ...input, desired: desired2, remote: remote2 });
          expect(JSON.stringify(b)).toBe(JSON.stringify(a));
          expect(fingerprintRemote(remote2)).toBe(fingerprintRemote(input.remote));
        },
      ),
    );
  });

  it("is a noop exactly when remote (in scope) and desired are semantically equal", () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const plan = planSync(input);
        for (const a of plan.actions) {
          if (a.kind !== "noop" && a.kind !== "update") continue;
          const d = input.desired.find((x) => x.name === a.name)!;
          expect(a.kind === "noop").toBe(oracleEqual(a.remote!, d));
          if (a.kind === "update") expect(a.diff!.length).toBeGreaterThan(0);
        }
      }),
    );
  });

  it("round-trips through JSON without loss", () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const plan = planSync(input);
        const back = parsePlan(renderPlanJson(plan));
        expect(back).toStrictEqual(JSON.parse(JSON.stringify(plan)));
        expect(back).toEqual(plan);
        expect(renderPlanJson(back)).toBe(renderPlanJson(plan));
      }),
    );
  });

  it("the fingerprint changes with any stored field of any pipeline", () => {
    fc.assert(
      fc.property(remoteArb.filter((r) => r.length > 0), fc.nat(), fc.nat(5), (remote, at, which) => {
        const i = at % remote.length;
        const r = remote[i]!;
        const changed: RemotePipeline = structuredClone(r);
        if (which === 0) changed.id = r.id + "0";
        if (which === 1) changed.spec.contents = r.spec.contents + " ";
        if (which === 2) changed.spec.matchers = [...r.spec.matchers, "new=1"];
        if (which === 3) {
          // An unset `enabled` reads as true: setting it explicitly is the change.
          if (r.enabledUnset === true) delete changed.enabledUnset;
          changed.spec.enabled = r.enabledUnset === true ? false : !r.spec.enabled;
        }
        if (which === 4) changed.source = { type: "git", namespace: (r.source?.namespace ?? "") + "x" };
        if (which === 5) changed.spec.metadata = { changed: true };
        const next = remote.map((x, j) => (j === i ? changed : x));
        expect(fingerprintRemote(next)).not.toBe(fingerprintRemote(remote));
      }),
    );
  });
});
