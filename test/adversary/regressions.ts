// Named regression examples: minimal scenarios, shrunk from what the
// property found, with the second writer's moves scripted so that each one
// replays the same way whatever the library's call sequence becomes.
// `open` marks the ones that violate an invariant today (the test runs them
// as it.fails until the library is fixed; then `open` goes).
import type { Invariant } from "./judge.js";
import type { AdversaryScenario, ScriptedMove } from "./scenario.js";

export interface RegressionExample {
  name: string;
  /** What the property found it with (fast-check seed of adversary.test.ts / the bench), or "constructed". */
  found: string;
  /** The invariants it breaks today; absent when it holds. */
  open?: Invariant[];
  scenario: AdversaryScenario;
}

function scenario(over: Partial<AdversaryScenario>, script: ScriptedMove[], faults?: Partial<AdversaryScenario["faults"]>): AdversaryScenario {
  return {
    scoped: [],
    outside: [],
    creates: [],
    allowEmpty: false,
    limitSlack: 3,
    entry: "syncPipelines",
    mode: "sync",
    concurrency: 1,
    faults: { rate: 0, seed: 1, kinds: ["unavailable"], ...faults },
    secondWriter: { seed: 1, rate: 0, maxMoves: 0, moves: ["edit"], emptyListRate: 0, script },
    ...over,
  };
}

const team = ['team="a"'];

export const REGRESSIONS: RegressionExample[] = [
  {
    name: "empty listing, sync: an empty answer is read again, so a pipeline outside the scope with a desired name is not taken over unallowed",
    found: "bench seed 4242 (fallback variant), shrunk by hand",
    scenario: scenario({ outside: [{ matchers: team, source: 2, takeover: "not-allowed" }] }, [{ before: "listing", move: "empty-list" }]),
  },
  {
    name: "empty listing, fallback: the same overwrite through UpsertPipeline",
    found: "bench seed 4242",
    scenario: scenario({ mode: "fallback", outside: [{ matchers: team, source: 2, takeover: "not-allowed" }] }, [{ before: "listing", move: "empty-list" }]),
  },
  {
    name: "empty listing, sync: an empty answer is read again, so no delete goes unlisted and no create is claimed that did nothing",
    found: "bench seed 4242, shrunk by hand",
    scenario: scenario(
      {
        scoped: [
          { matchers: team, enabled: true, fate: "keep" },
          { matchers: team, enabled: true, fate: "delete" },
        ],
      },
      [{ before: "listing", move: "empty-list" }],
    ),
  },
  {
    name: "sync: a name we create, created under terraform between our listing and our sync: the run fails and names it with its previous contents",
    found: "constructed from bench seed 4242 (fallback variant)",
    scenario: scenario({ creates: [{ matchers: team, enabled: true, allowTakeover: false }] }, [
      { before: "write", move: "create-planned-name", name: "n0", to: 1 },
    ]),
  },
  {
    name: "fallback: a name we create, created with no source between our listing and our write, is left alone (CreatePipeline)",
    found: "bench seed 4242 (n1, created before BulkDeletePipelines)",
    scenario: scenario({ mode: "fallback", creates: [{ matchers: team, enabled: true, allowTakeover: false }] }, [
      { before: "write", move: "create-planned-name", name: "n0", to: 2 },
    ]),
  },
  {
    name: "fallback: a name we create, allowed as a takeover, created by the second writer after our listing, is left alone",
    found: "bench seed 4242",
    scenario: scenario({ mode: "fallback", creates: [{ matchers: team, enabled: true, allowTakeover: true }] }, [
      { before: "write", move: "create-planned-name", name: "n0", to: 2 },
    ]),
  },
  {
    name: "sync: an edit by the second writer between our listing and our sync: the run fails and carries their contents",
    found: "constructed",
    scenario: scenario({ scoped: [{ matchers: team, enabled: true, fate: "edit-contents" }] }, [{ before: "write", move: "edit", name: "s0" }]),
  },
  {
    name: "fallback: an edit by the second writer between our listing and our write: the run fails and carries their contents",
    found: "bench seed 4242 (CLI apply --plan fallback, s1 edited before UpsertPipeline)",
    scenario: scenario({ mode: "fallback", scoped: [{ matchers: team, enabled: true, fate: "edit-contents" }] }, [
      { before: "write", move: "edit", name: "s0" },
    ]),
  },
  {
    name: "applyPlan fallback: an edit after the stale check's listing: the run fails and carries their contents",
    found: "constructed",
    scenario: scenario({ entry: "applyPlan", mode: "fallback", scoped: [{ matchers: team, enabled: true, fate: "edit-contents" }] }, [
      { before: "write", move: "edit", name: "s0" },
    ]),
  },
  {
    name: "fallback: a pipeline the plan deletes, edited by the second writer meanwhile: the run fails and carries the edit",
    found: "constructed",
    scenario: scenario(
      {
        mode: "fallback",
        scoped: [
          { matchers: team, enabled: true, fate: "keep" },
          { matchers: team, enabled: true, fate: "delete" },
        ],
      },
      [{ before: "write", move: "edit", name: "s1" }],
    ),
  },
  {
    name: "fallback: a pipeline the plan deletes, moved out of the scope by the second writer meanwhile: the run fails and names it",
    found: "constructed",
    scenario: scenario(
      {
        mode: "fallback",
        scoped: [
          { matchers: team, enabled: true, fate: "keep" },
          { matchers: team, enabled: true, fate: "delete" },
        ],
      },
      [{ before: "write", move: "move", name: "s1", to: 1 }],
    ),
  },
  {
    name: "sync: a pipeline the plan updates, deleted by the second writer after our listing: the run fails and names it",
    found: "constructed",
    scenario: scenario({ scoped: [{ matchers: team, enabled: true, fate: "edit-contents" }] }, [{ before: "write", move: "delete", name: "s0" }]),
  },
  {
    name: "fallback: when the creates fail, the deletes are held back and no collector loses a pipeline",
    found: "constructed",
    scenario: scenario(
      { mode: "fallback", scoped: [{ matchers: team, enabled: true, fate: "delete" }], creates: [{ matchers: team, enabled: true, allowTakeover: false }] },
      [],
      { rate: 1, kinds: ["unavailable"], methods: ["UpsertPipeline", "UpdatePipeline", "CreatePipeline"] },
    ),
  },
  {
    name: "sync: a pipeline the plan leaves unchanged, deleted by the second writer after our listing and re-created by the sync: the run fails and names it",
    found: "bench seed 4242 (s4, deleted before SyncPipelines), shrunk by hand",
    scenario: scenario(
      {
        scoped: [
          { matchers: team, enabled: true, fate: "keep" },
          { matchers: team, enabled: true, fate: "edit-contents" },
        ],
      },
      [{ before: "write", move: "delete", name: "s0" }],
    ),
  },
  {
    name: "sync: a pipeline the plan leaves unchanged, moved to another source just before the sync and taken back by it: the run fails and names it",
    found: "bench seed 4242 (s0, moved to grafana before SyncPipelines), shrunk by hand",
    scenario: scenario(
      {
        scoped: [
          { matchers: team, enabled: true, fate: "keep" },
          { matchers: team, enabled: true, fate: "edit-contents" },
        ],
      },
      [{ before: "write", move: "move", name: "s0", to: 3 }],
    ),
  },
  {
    name: "sync: a pipeline the plan updates, moved to another source just before the sync",
    found: "constructed",
    scenario: scenario({ scoped: [{ matchers: team, enabled: true, fate: "edit-contents" }] }, [{ before: "write", move: "move", name: "s0", to: 3 }]),
  },
  {
    name: "sync: a pipeline created in our scope by the second writer just before the sync is deleted by it: the run fails and names it",
    found: "bench seed 4242 (x0, created before SyncPipelines)",
    scenario: scenario({ scoped: [{ matchers: team, enabled: true, fate: "edit-contents" }] }, [{ before: "write", move: "add-to-scope", name: "x0" }]),
  },
  {
    name: "applyPlan sync: a pipeline created in our scope by the second writer after the stale check's listing is deleted by the sync",
    found: "bench seed 4242 (x0, created before ListPipelinesRevisions; the failed run did not name it)",
    scenario: scenario({ entry: "applyPlan", scoped: [{ matchers: team, enabled: true, fate: "edit-contents" }] }, [
      { before: "ListPipelinesRevisions", move: "add-to-scope", name: "x0" },
    ]),
  },
  {
    name: "sync: an edit overwritten by our sync, then the pipeline deleted before the read-back: the failure still carries the overwritten edit",
    found: "bench seed 4242 (CLI apply --plan sync, x0), shrunk by hand",
    scenario: scenario({ scoped: [{ matchers: team, enabled: true, fate: "edit-contents" }] }, [
      { before: "write", move: "edit", name: "s0", run: 1 },
      { before: "listing", nth: 2, move: "delete", name: "s0", run: 1 },
    ]),
  },
  {
    name: "applyPlan sync: a pipeline created in our scope just before the sync is deleted by it, and another changes before the read-back: the failed run names and lists the delete",
    found: "bench seed 4242 (CLI apply --plan sync, x0), shrunk by hand",
    scenario: scenario({ entry: "applyPlan", scoped: [{ matchers: team, enabled: true, fate: "edit-contents" }] }, [
      { before: "write", move: "add-to-scope", name: "x0", run: 1 },
      { before: "listing", nth: 2, move: "delete", name: "s0", run: 1 },
    ]),
  },
  {
    name: "sync: a pipeline the plan deletes, deleted by the second writer first: the result claims the delete",
    found: "convergence bench, second writer, sync seeds 1006 and 1008, shrunk by hand",
    open: ["I3"],
    scenario: scenario(
      {
        scoped: [
          { matchers: team, enabled: true, fate: "edit-contents" },
          { matchers: team, enabled: true, fate: "delete" },
        ],
      },
      [{ before: "write", move: "delete", name: "s1", run: 1 }],
    ),
  },
  {
    name: "fallback: a pipeline the plan updates, moved out of the scope just before our write: the run fails and carries it",
    found: "convergence bench, second writer, fallback seed 1003",
    scenario: scenario({ mode: "fallback", scoped: [{ matchers: team, enabled: true, fate: "edit-contents" }] }, [{ before: "write", move: "move", name: "s0", to: 0, run: 1 }]),
  },
  {
    name: "fallback: the history cannot be read after an overwrite: the run fails, but without the overwritten pipeline's previous contents",
    found: "convergence bench, second writer, fallback seed 1003 (history reads timed out), shrunk by hand",
    open: ["I2"],
    scenario: scenario(
      { mode: "fallback", scoped: [{ matchers: team, enabled: true, fate: "edit-contents" }] },
      [{ before: "write", move: "edit", name: "s0", run: 1 }],
      { rate: 1, kinds: ["unavailable"], methods: ["ListPipelinesRevisions", "ListPipelineRevisions", "GetPipeline"] },
    ),
  },
  {
    name: "fallback: the listing before the held-back deletes times out: the error still lists the creates made",
    found: "convergence bench (no second writer), fallback seed 1008, shrunk by hand",
    scenario: scenario(
      { mode: "fallback", scoped: [{ matchers: team, enabled: true, fate: "delete" }], creates: [{ matchers: team, enabled: true, allowTakeover: false }], clientTimeoutMs: 500 },
      [],
      // Seed 2: the first listing passes, the second is held past the client's deadline.
      { rate: 0.5, seed: 2, kinds: ["timeout"], methods: ["ListPipelines"] },
    ),
  },
  {
    name: "sync: the SyncPipelines answer and the read-back are both held past the deadline: the writes that took effect are not listed",
    found: "convergence bench, second writer, sync seeds 1058 and 1072, shrunk by hand (the second writer plays no part)",
    open: ["I3"],
    scenario: scenario(
      { scoped: [{ matchers: team, enabled: true, fate: "edit-contents" }], clientTimeoutMs: 500 },
      [],
      // Seed 4: the first listing passes; the sync and the next listing are held.
      { rate: 0.5, seed: 4, kinds: ["timeout"], methods: ["SyncPipelines", "ListPipelines"] },
    ),
  },
  {
    name: "sync: the second writer edits and reverts a pipeline after our sync: the sync's own revisions are told apart from the revert",
    found: "bench seed 4242 (s1 reverted before the read-back; s3, x2, n0 unlisted), shrunk by hand",
    scenario: scenario(
      {
        scoped: [
          { matchers: team, enabled: true, fate: "edit-contents" },
          { matchers: team, enabled: true, fate: "keep" },
          { matchers: team, enabled: true, fate: "delete" },
        ],
        creates: [{ matchers: team, enabled: true, allowTakeover: false }],
      },
      [{ before: "listing", nth: 2, move: "revert", name: "s1", run: 1 }],
    ),
  },
  {
    name: "fallback: every create is stored but its answer lost (drop_after): the result still lists what took effect",
    found: "constructed",
    scenario: scenario({ mode: "fallback", creates: [{ matchers: team, enabled: true, allowTakeover: false }] }, [], {
      rate: 1,
      kinds: ["drop_after"],
      methods: ["UpsertPipeline", "CreatePipeline"],
    }),
  },
  {
    name: "CLI apply --plan, resumed: an edit the first (failed) apply let through is not overwritten by the resume",
    found: "constructed",
    scenario: scenario(
      {
        entry: "cli-plan",
        mode: "fallback",
        scoped: [
          { matchers: team, enabled: true, fate: "edit-contents" },
          { matchers: team, enabled: true, fate: "edit-contents" },
        ],
      },
      [{ before: "write", nth: 2, move: "edit", name: "s1", run: 1 }],
      { rate: 1, kinds: ["unavailable"], methods: ["UpsertPipeline", "UpdatePipeline"] },
    ),
  },
  {
    name: "sync repeated after a lost answer, with a pipeline deleted by the second writer between the attempts: the repeat makes it again, and the run fails and names it",
    found: "bench seed 777 (s3 deleted between two SyncPipelines attempts; the run reported success), shrunk by hand",
    scenario: scenario(
      { scoped: [{ matchers: team, enabled: true, fate: "edit-contents" }, { matchers: team, enabled: true, fate: "toggle" }] },
      [{ before: "write", nth: 2, move: "delete", name: "s1", run: 1 }],
      { rate: 1, kinds: ["drop_after"], methods: ["SyncPipelines"] },
    ),
  },
  {
    name: "the limit lowered between our listing and our sync: refused by the server, nothing lost",
    found: "constructed",
    scenario: scenario(
      { limitSlack: 1, scoped: [{ matchers: team, enabled: true, fate: "delete" }], creates: [{ matchers: team, enabled: true, allowTakeover: false }, { matchers: team, enabled: true, allowTakeover: false }] },
      [{ before: "write", move: "limit", to: 0 }],
    ),
  },
];
