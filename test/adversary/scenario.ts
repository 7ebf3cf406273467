// The adversary scenarios as plain data: what fast-check generates, what a
// named regression example writes down, and what the trial turns into an
// initial stack and a desired set. Names come from small fixed pools so that
// the second writer keeps colliding with what our side plans.
import fc from "fast-check";

export type SecondWriterMove =
  /** Creates a name our desired set creates, under another source or none. */
  | "create-planned-name"
  /** Creates a pipeline of its own in our scope. */
  | "add-to-scope"
  | "edit"
  | "delete"
  /** Edits, then puts the old content back (two revisions). */
  | "revert"
  /** Moves a pipeline into our scope or out of it. */
  | "move"
  /** Raises or lowers the stack's pipeline limit. */
  | "limit";

export const SECOND_WRITER_MOVES: readonly SecondWriterMove[] = [
  "create-planned-name",
  "add-to-scope",
  "edit",
  "delete",
  "revert",
  "move",
  "limit",
];

export type ScopedFate = "keep" | "edit-contents" | "edit-matchers" | "toggle" | "delete";
/** The generator draws the first four; "timeout" (an answer held past the deadline) only in regression examples. */
export type FaultKindUsed = "unavailable" | "rate_limited" | "drop" | "drop_after" | "timeout";
/** Which entry point of ours runs: the library loop, a plan applied by the library, or the CLI's saved plan. */
export type EntryPoint = "syncPipelines" | "applyPlan" | "cli-plan";

export interface AdversaryScenario {
  /** Pipelines of our scope at the start (named s0, s1, ...), and what the desired set does with each. */
  scoped: { matchers: string[]; enabled: boolean; fate: ScopedFate }[];
  /** Pipelines outside the scope (o0, o1, ...); source is an index into OTHER_SOURCES. */
  outside: { matchers: string[]; source: number; takeover: "no" | "allowed" | "not-allowed" }[];
  /** New names of the desired set (n0, n1, ...); `allowTakeover` also puts the name in the policy's allowed takeovers. */
  creates: { matchers: string[]; enabled: boolean; allowTakeover: boolean }[];
  allowEmpty: boolean;
  /** The stack's limit at the start: the initial count plus this (at least 1). */
  limitSlack: number;
  entry: EntryPoint;
  mode: "sync" | "fallback";
  /** Fallback writes in flight (library entry points only). */
  concurrency: 1 | 4;
  /** The library client's call deadline (default 5000 ms); short for examples with answers held past it. */
  clientTimeoutMs?: number;
  /** `methods`: only these RPCs get faults (default all). */
  faults: { rate: number; seed: number; kinds: FaultKindUsed[]; methods?: string[] };
  secondWriter: {
    seed: number;
    /** Probability that it acts before any one of our calls. */
    rate: number;
    /** Most moves per run of ours. */
    maxMoves: number;
    moves: SecondWriterMove[];
    /** Probability that a ListPipelines gets an empty 200 `{}` (a flaky gateway). */
    emptyListRate: number;
    /**
     * Fixed moves instead of random ones (regression examples): before the
     * `nth` call of ours of a kind in a run, do `move` on `name` (a move's
     * destination: `to`, an index into OTHER_SOURCES, or -1 for our scope;
     * for "limit", `to` is the new limit minus the count).
     */
    script?: ScriptedMove[];
  };
}

export const WRITE_METHODS: readonly string[] = ["SyncPipelines", "UpsertPipeline", "CreatePipeline", "UpdatePipeline", "DeletePipeline", "BulkDeletePipelines"];

export interface ScriptedMove {
  /** "write": any write RPC; "listing": ListPipelines; else a method name. */
  before: "write" | "listing" | string;
  /** Which one of them, from 1. Default 1. */
  nth?: number;
  move: SecondWriterMove | "empty-list";
  name?: string;
  to?: number;
  /** Only in this run (1 or 2); default: every run. */
  run?: number;
}

export const SCOPE = { type: "git", namespace: "ns" } as const;
export const SCOPE_JSON = { type: "SOURCE_TYPE_GIT", namespace: "ns" } as const;

/** Sources outside our scope, in the emulator's seed notation; undefined: no source. */
export const OTHER_SOURCES: readonly ({ type: string; namespace: string } | undefined)[] = [
  { type: "git", namespace: "other" },
  // The same namespace under another type: still outside.
  { type: "terraform", namespace: "ns" },
  undefined,
  { type: "grafana", namespace: "" },
];

/** Only `key="v"` and `key!="v"`: the judge evaluates them itself. */
export const MATCHER_POOL = ['team="a"', 'team!="a"', 'env="prod"', 'env!="prod"', 'team="b"'];

/** The collectors whose configuration I4 follows, by their attributes. */
export const COLLECTORS: readonly Record<string, string>[] = [
  { team: "a", env: "prod" },
  { team: "b", env: "prod" },
  { team: "a", env: "dev" },
  { team: "c" },
];

export function contentsOf(name: string, revision: number | string): string {
  return `// ${name} revision ${revision}\nprometheus.exporter.self "${name}" { }\n`;
}

export interface PipelineDef {
  name: string;
  contents: string;
  matchers: string[];
  enabled: boolean;
  /** Seed notation; absent: no source. */
  source?: { type: string; namespace: string };
}

export interface DesiredDef {
  name: string;
  contents: string;
  matchers: string[];
  enabled: boolean;
  /** Default alloy. */
  configType?: "alloy" | "otel";
  metadata?: Record<string, unknown>;
}

export interface Concrete {
  initial: PipelineDef[];
  desired: DesiredDef[];
  allowTakeover: string[];
  allowEmpty: boolean;
  maxDeletes: number;
  limit: number;
  /** Names our side touches or may touch: where the second writer aims most of its moves. */
  contested: string[];
  /** The desired set's new names: the second writer may create them first. */
  plannedCreates: string[];
}

export function concretize(s: AdversaryScenario): Concrete {
  const initial: PipelineDef[] = [];
  const desired: DesiredDef[] = [];
  const allowTakeover: string[] = [];
  s.scoped.forEach((p, i) => {
    const name = `s${i}`;
    const base = { name, contents: contentsOf(name, 1), matchers: [...p.matchers], enabled: p.enabled };
    initial.push({ ...base, source: { ...SCOPE } });
    switch (p.fate) {
      case "keep":
        desired.push(base);
        break;
      case "edit-contents":
        desired.push({ ...base, contents: contentsOf(name, 2) });
        break;
      case "edit-matchers":
        desired.push({ ...base, matchers: p.matchers.length > 0 ? [] : ['team="a"'] });
        break;
      case "toggle":
        desired.push({ ...base, enabled: !p.enabled });
        break;
      case "delete":
        break;
    }
  });
  s.outside.forEach((p, i) => {
    const name = `o${i}`;
    const source = OTHER_SOURCES[p.source % OTHER_SOURCES.length];
    initial.push({ name, contents: contentsOf(name, 1), matchers: [...p.matchers], enabled: true, ...(source ? { source } : {}) });
    if (p.takeover !== "no") {
      desired.push({ name, contents: contentsOf(name, "ours"), matchers: ['team="a"'], enabled: true });
      if (p.takeover === "allowed") allowTakeover.push(name);
    }
  });
  const plannedCreates: string[] = [];
  s.creates.forEach((p, i) => {
    const name = `n${i}`;
    plannedCreates.push(name);
    desired.push({ name, contents: contentsOf(name, 1), matchers: [...p.matchers], enabled: p.enabled });
    if (p.allowTakeover) allowTakeover.push(name);
  });
  const contested = [...new Set([...initial.filter((p) => p.source?.type === SCOPE.type && p.source.namespace === SCOPE.namespace).map((p) => p.name), ...desired.map((d) => d.name)])];
  return {
    initial,
    desired,
    allowTakeover,
    allowEmpty: s.allowEmpty,
    maxDeletes: 100,
    limit: Math.max(1, initial.length + s.limitSlack),
    contested,
    plannedCreates,
  };
}

// ---- the generator ---------------------------------------------------------

const matchers = fc.subarray(MATCHER_POOL, { minLength: 0, maxLength: 2 });
const enabled = fc.oneof({ weight: 4, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) });

export const scenarioArbitrary: fc.Arbitrary<AdversaryScenario> = fc.record({
  scoped: fc.array(
    fc.record({ matchers, enabled, fate: fc.constantFrom<ScopedFate>("keep", "edit-contents", "edit-matchers", "toggle", "delete") }),
    { maxLength: 5 },
  ),
  outside: fc.array(
    fc.record({
      matchers,
      source: fc.integer({ min: 0, max: OTHER_SOURCES.length - 1 }),
      takeover: fc.constantFrom<"no" | "allowed" | "not-allowed">("no", "no", "allowed", "not-allowed"),
    }),
    { maxLength: 3 },
  ),
  creates: fc.array(fc.record({ matchers, enabled, allowTakeover: fc.boolean() }), { maxLength: 3 }),
  allowEmpty: fc.boolean(),
  limitSlack: fc.integer({ min: -1, max: 3 }),
  entry: fc.constantFrom<EntryPoint>("syncPipelines", "applyPlan", "cli-plan"),
  mode: fc.constantFrom<"sync" | "fallback">("sync", "fallback"),
  concurrency: fc.constantFrom<1 | 4>(1, 4),
  faults: fc.record({
    rate: fc.constantFrom(0, 0.1, 0.2, 0.3),
    seed: fc.integer({ min: 1, max: 1_000_000 }),
    kinds: fc.subarray<FaultKindUsed>(["unavailable", "rate_limited", "drop", "drop_after"], { minLength: 1 }),
  }),
  secondWriter: fc.record({
    seed: fc.integer({ min: 1, max: 1_000_000 }),
    rate: fc.constantFrom(0, 0.2, 0.4, 0.6),
    maxMoves: fc.integer({ min: 0, max: 3 }),
    moves: fc.subarray([...SECOND_WRITER_MOVES], { minLength: 1 }),
    emptyListRate: fc.constantFrom(0, 0, 0, 0.3),
  }),
});
