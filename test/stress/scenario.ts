// Seeded random sync scenarios and an independent judge of their outcome.
// Shared by the convergence tests and `bench/convergence.bench.ts`: the
// tests run a few dozen fixed seeds, the bench a hundred or more per mode.
//
// The judge does not use the library's equality on purpose: it compares the
// emulator's stored JSON with the desired set field by field, so that a bug
// in the model's semantic equality cannot hide a wrong result.
import { canonicalMatcher } from "../../src/matchers/index.js";
import type { PipelineSpec, SourceScope } from "../../src/pipelines/index.js";
import type { SyncPolicy } from "../../src/plan/index.js";
import { createPrng, type PipelineJson, type PipelineSeed } from "../../src/emulator/index.js";

export const SCOPE: SourceScope = { type: "git", namespace: "ci" };
const SCOPE_JSON = { type: "SOURCE_TYPE_GIT", namespace: "ci" };

export interface Scenario {
  seed: number;
  scope: SourceScope;
  /** What the service holds before the run (in the scope and outside it). */
  initial: PipelineSeed[];
  /** The desired set of the scope. */
  desired: PipelineSpec[];
  policy: SyncPolicy;
  /** Names outside the scope that the desired set takes over (allowed). */
  takeovers: string[];
  /** Counts by intended action, for reports. */
  intent: { create: number; update: number; delete: number; noop: number; takeover: number };
}

export interface ScenarioSize {
  /** Most pipelines in the scope at the start. Default 24. */
  maxInScope?: number;
  /** Most pipelines to create. Default 12. */
  maxCreates?: number;
}

const MATCHER_POOL = [
  'team="platform"',
  'env=~"prod|staging"',
  'collector.os!="windows"',
  'region="eu-west-1"',
  'cluster!~"test-.*"',
  '"service.name"="checkout"',
];

const OUTSIDE_SOURCES: (PipelineSeed["source"] | undefined)[] = [
  { type: "git", namespace: "other-repo" },
  // Same namespace, another source type: outside the scope all the same.
  { type: "terraform", namespace: "ci" },
  { type: "grafana", namespace: "" },
  undefined,
  // A namespace that merely starts like the scope's.
  { type: "git", namespace: "ci-2" },
];

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
}

function int(random: () => number, maxInclusive: number): number {
  return Math.floor(random() * (maxInclusive + 1));
}

function matchersFor(random: () => number): string[] {
  const count = int(random, 3);
  const chosen = new Set<string>();
  while (chosen.size < count) chosen.add(pick(random, MATCHER_POOL));
  return [...chosen];
}

function alloyContents(name: string, revision: number): string {
  return `// ${name} revision ${revision}\nprometheus.exporter.self "${name}" { }\n`;
}

function otelContents(name: string, revision: number): string {
  return `# ${name} revision ${revision}\nreceivers:\n  otlp:\n    protocols:\n      grpc: {}\nexporters:\n  debug: {}\n`;
}

/** A reproducible scenario: same seed, same scenario. */
export function makeScenario(seed: number, size: ScenarioSize = {}): Scenario {
  const random = createPrng(seed * 7919 + 17);
  const maxInScope = size.maxInScope ?? 24;
  const maxCreates = size.maxCreates ?? 12;
  const initial: PipelineSeed[] = [];
  const desired: PipelineSpec[] = [];
  const intent = { create: 0, update: 0, delete: 0, noop: 0, takeover: 0 };

  const inScope = int(random, maxInScope);
  for (let i = 0; i < inScope; i++) {
    const name = `p${seed}_${String(i).padStart(3, "0")}`;
    const otel = random() < 0.15;
    const seedPipeline: PipelineSeed = {
      name,
      contents: otel ? otelContents(name, 1) : alloyContents(name, 1),
      matchers: matchersFor(random),
      enabled: random() < 0.9,
      configType: otel ? "otel" : "alloy",
      source: { type: SCOPE.type, namespace: SCOPE.namespace },
    };
    if (random() < 0.2) seedPipeline.metadata = { owner: `team-${int(random, 4)}` };
    initial.push(seedPipeline);

    const roll = random();
    const asIs: PipelineSpec = {
      name,
      contents: seedPipeline.contents,
      matchers: [...(seedPipeline.matchers ?? [])],
      enabled: seedPipeline.enabled ?? true,
      configType: otel ? "otel" : "alloy",
      ...(seedPipeline.metadata ? { metadata: { ...seedPipeline.metadata } } : {}),
    };
    if (roll < 0.45) {
      // Unchanged; sometimes written differently but meaning the same
      // (matchers in another order), which must still be a no-op.
      if (random() < 0.3) asIs.matchers = [...(asIs.matchers ?? [])].reverse();
      desired.push(asIs);
      intent.noop++;
    } else if (roll < 0.7) {
      const change = int(random, 3);
      if (change === 0) asIs.contents = otel ? otelContents(name, 2) : alloyContents(name, 2);
      else if (change === 1) asIs.matchers = matchersFor(random).concat('tier="gold"');
      else if (change === 2) asIs.enabled = !(asIs.enabled ?? true);
      else asIs.metadata = { owner: "changed", reviewed: true };
      desired.push(asIs);
      intent.update++;
    } else {
      intent.delete++;
    }
  }

  const outsideCount = 2 + int(random, 6);
  const takeovers: string[] = [];
  for (let i = 0; i < outsideCount; i++) {
    const name = `o${seed}_${i}`;
    const source = pick(random, OUTSIDE_SOURCES);
    initial.push({
      name,
      contents: alloyContents(name, 1),
      matchers: matchersFor(random),
      enabled: true,
      ...(source ? { source } : {}),
    });
    // Now and then the repository takes one over, explicitly allowed.
    if (takeovers.length === 0 && random() < 0.15) {
      takeovers.push(name);
      desired.push({ name, contents: alloyContents(name, 3), matchers: ['team="platform"'] });
      intent.takeover++;
    }
  }

  const creates = int(random, maxCreates);
  for (let i = 0; i < creates; i++) {
    const name = `n${seed}_${String(i).padStart(3, "0")}`;
    const spec: PipelineSpec = { name, contents: alloyContents(name, 1), matchers: matchersFor(random) };
    if (random() < 0.2) spec.enabled = false;
    desired.push(spec);
    intent.create++;
  }

  // Shuffle the desired set: the plan must not depend on input order.
  for (let i = desired.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [desired[i], desired[j]] = [desired[j]!, desired[i]!];
  }
  const policy: SyncPolicy = { allowEmpty: true, maxDeletes: 10_000, ...(takeovers.length ? { allowTakeover: takeovers } : {}) };
  return { seed, scope: SCOPE, initial, desired, policy, takeovers, intent };
}

// ---- the judge ----------------------------------------------------------

function inScope(p: PipelineJson): boolean {
  return p.source?.type === SCOPE_JSON.type && p.source.namespace === SCOPE_JSON.namespace;
}

function sortedKeysJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)))
      : v,
  );
}

function matcherSet(matchers: readonly string[]): string {
  return JSON.stringify([...new Set(matchers.map((m) => canonicalMatcher(m)))].sort());
}

/** Why `stored` is not `spec` in the scope, or undefined when it is. */
export function mismatch(stored: PipelineJson | undefined, spec: PipelineSpec): string | undefined {
  if (stored === undefined) return "missing";
  if (!inScope(stored)) return `source is ${JSON.stringify(stored.source ?? null)}`;
  if (stored.contents !== spec.contents) return "contents differ";
  if (matcherSet(stored.matchers) !== matcherSet(spec.matchers ?? [])) return "matchers differ";
  if ((stored.enabled ?? false) !== (spec.enabled ?? true)) return "enabled differs";
  const type = spec.configType === "otel" ? "CONFIG_TYPE_OTEL" : "CONFIG_TYPE_ALLOY";
  if (stored.configType !== type) return `config type is ${stored.configType}`;
  if (sortedKeysJson(stored.metadata ?? null) !== sortedKeysJson(spec.metadata ?? null)) return "metadata differs";
  return undefined;
}

export interface Judgement {
  /** The scope holds exactly the desired set. */
  converged: boolean;
  /**
   * Broken promises, whatever the outcome: a pipeline outside the scope that
   * changed in any byte, a pipeline of the scope that is neither as it was
   * nor as desired, a name nobody asked for. Must always be empty.
   */
  violations: string[];
  /** Why the scope is not (yet) the desired set; informative. */
  pending: string[];
}

/**
 * Compares the service's pipelines now with the scenario's start and goal.
 * `unchangedMustStay`: pipelines whose plan is a no-op must keep every byte
 * (true for the fallback, which writes only what changed; a sync resends
 * the whole set and the server may rewrite timestamps).
 */
export function judge(scenario: Scenario, before: readonly PipelineJson[], now: readonly PipelineJson[], unchangedMustStay: boolean): Judgement {
  const violations: string[] = [];
  const pending: string[] = [];
  const beforeByName = new Map(before.map((p) => [p.name, p]));
  const nowByName = new Map(now.map((p) => [p.name, p]));
  const desiredByName = new Map(scenario.desired.map((d) => [d.name, d]));
  const takeovers = new Set(scenario.takeovers);

  for (const p of now) {
    if (!beforeByName.has(p.name) && !desiredByName.has(p.name)) violations.push(`${p.name}: appeared, nobody asked for it`);
  }
  for (const old of before) {
    const current = nowByName.get(old.name);
    const spec = desiredByName.get(old.name);
    const untouched = current !== undefined && sortedKeysJson(current) === sortedKeysJson(old);
    if (!inScope(old) && !takeovers.has(old.name)) {
      // Outside the scope: byte for byte, ids and timestamps included.
      if (!untouched) violations.push(`${old.name} (outside the scope): ${current ? "changed" : "deleted"}`);
      continue;
    }
    if (spec === undefined) {
      // Planned delete: either still as it was, or gone.
      if (current !== undefined && !untouched) violations.push(`${old.name}: to be deleted, but was changed instead`);
      if (current !== undefined) pending.push(`${old.name}: not deleted yet`);
      continue;
    }
    const why = mismatch(current, spec);
    if (why !== undefined) {
      if (!untouched) violations.push(`${old.name}: neither as it was nor as desired (${why})`);
      else pending.push(`${old.name}: ${why}`);
      continue;
    }
    if (unchangedMustStay && mismatch(old, spec) === undefined && !untouched) {
      violations.push(`${old.name}: already as desired, yet rewritten`);
    }
  }
  for (const spec of scenario.desired) {
    if (beforeByName.has(spec.name)) continue;
    const current = nowByName.get(spec.name);
    if (current === undefined) pending.push(`${spec.name}: not created yet`);
    else {
      const why = mismatch(current, spec);
      if (why !== undefined) violations.push(`${spec.name}: created wrongly (${why})`);
    }
  }
  return { converged: pending.length === 0 && violations.length === 0, violations, pending };
}
