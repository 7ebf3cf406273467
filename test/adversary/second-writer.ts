// The second writer: acts on the emulator's store directly, from the
// emulator's beforeRequest hook, i.e. at random points between our calls.
// Writing through the store (not over HTTP) keeps its writes apart from ours
// in the request log and out of reach of the faults; each move records the
// revision ids it produced, so that the judge can tell its writes from ours.
import { create } from "@bufbuild/protobuf";
import {
  ConfigType,
  PipelineSchema,
  PipelineSource_SourceType,
  PipelineSourceSchema,
  type Pipeline,
  type PipelineSource,
} from "../../gen/pipeline/v1/pipeline_pb.js";
import { createPrng, type EmulatorStore, type RequestLogEntry } from "../../src/emulator/index.js";
import { OTHER_SOURCES, SCOPE, WRITE_METHODS, type AdversaryScenario, type Concrete, type ScriptedMove, type SecondWriterMove } from "./scenario.js";

export interface SecondWriterAct {
  /** Our run it acted in (1, 2). */
  run: number;
  /** The request of ours it acted before (its seq). */
  beforeSeq: number;
  beforeMethod: string;
  move: SecondWriterMove | "empty-list";
  name?: string;
  detail: string;
  revisionIds: string[];
}

const SOURCE_TYPES: Record<string, PipelineSource_SourceType> = {
  git: PipelineSource_SourceType.GIT,
  terraform: PipelineSource_SourceType.TERRAFORM,
  grafana: PipelineSource_SourceType.GRAFANA,
};

function sourceMessage(source: { type: string; namespace: string } | undefined): PipelineSource | undefined {
  return source === undefined ? undefined : create(PipelineSourceSchema, { type: SOURCE_TYPES[source.type]!, namespace: source.namespace });
}


/** A full replacement of `p` with some fields changed (the store keeps the id by name). */
function rewrite(p: Pipeline, change: Partial<Pick<Pipeline, "contents" | "source">>): Pipeline {
  const source = "source" in change ? change.source : p.source;
  return create(PipelineSchema, {
    name: p.name,
    contents: change.contents ?? p.contents,
    matchers: [...p.matchers],
    configType: p.configType,
    ...(p.enabled !== undefined ? { enabled: p.enabled } : {}),
    ...(p.metadata !== undefined ? { metadata: p.metadata } : {}),
    ...(source !== undefined ? { source } : {}),
  });
}

export class SecondWriter {
  /** Acts only while true: our runs, not the seeding or the saved plan's listing. */
  active = false;
  readonly acts: SecondWriterAct[] = [];
  readonly revisionIds = new Set<string>();
  /** Applied at the next call (before it is handled): the stack's limit for the trial. */
  pendingLimit: number | undefined;
  private readonly random: () => number;
  private movesThisRun = 0;
  private edits = 0;

  private readonly config: AdversaryScenario["secondWriter"];
  /** Our side's scope (a git namespace). */
  private readonly scope: { type: "git"; namespace: string };

  private inOurScope(p: Pipeline): boolean {
    return p.source?.type === PipelineSource_SourceType.GIT && p.source.namespace === this.scope.namespace;
  }

  /** `targets.limit`: the stack's limit to put in place at the first call (none: leave it). */
  constructor(
    config: AdversaryScenario["secondWriter"],
    private readonly targets: Pick<Concrete, "contested" | "plannedCreates"> & { limit?: number; scope?: { type: "git"; namespace: string } },
  ) {
    this.config = config;
    this.scope = targets.scope ?? SCOPE;
    this.random = createPrng(config.seed);
    this.pendingLimit = targets.limit;
  }

  private run = 0;
  /** Calls of ours this run, by kind ("write", "listing", method name). */
  private seen = new Map<string, number>();

  startRun(): void {
    this.active = true;
    this.movesThisRun = 0;
    this.seen = new Map();
    this.run++;
  }

  private scripted(entry: Readonly<RequestLogEntry>, store: EmulatorStore): void | "empty" {
    const kinds = [entry.method, ...(WRITE_METHODS.includes(entry.method) ? ["write"] : []), ...(entry.method === "ListPipelines" ? ["listing"] : [])];
    for (const k of kinds) this.seen.set(k, (this.seen.get(k) ?? 0) + 1);
    let answer: void | "empty" = undefined;
    for (const step of this.config.script ?? []) {
      if (this.seen.get(step.before) !== (step.nth ?? 1) || !kinds.includes(step.before)) continue;
      if (step.run !== undefined && step.run !== this.run) continue;
      if (step.move === "empty-list") {
        this.acts.push({ run: this.run, beforeSeq: entry.seq, beforeMethod: entry.method, move: "empty-list", detail: "answered {} for the listing", revisionIds: [] });
        answer = "empty";
        continue;
      }
      this.record(entry, store, step.move, () => this.act(step.move as SecondWriterMove, store, step));
    }
    return answer;
  }

  private record(entry: Readonly<RequestLogEntry>, store: EmulatorStore, move: SecondWriterMove, act: () => Omit<SecondWriterAct, "run" | "beforeSeq" | "beforeMethod" | "revisionIds"> | undefined): void {
    const before = store.listRevisions().length;
    let done: Omit<SecondWriterAct, "run" | "beforeSeq" | "beforeMethod" | "revisionIds"> | undefined;
    try {
      done = act();
    } catch (error) {
      // A refused write (the limit, a vanished name) is a move that did nothing.
      done = { move, detail: `refused: ${(error as Error).message}` };
    }
    const made = store.listRevisions().slice(before).map((r) => r.revisionId);
    for (const id of made) this.revisionIds.add(id);
    if (done !== undefined) this.acts.push({ run: this.run, beforeSeq: entry.seq, beforeMethod: entry.method, revisionIds: made, ...done });
  }

  /** The emulator's beforeRequest hook. */
  readonly hook = (entry: Readonly<RequestLogEntry>, store: EmulatorStore): void | "empty" => {
    if (this.pendingLimit !== undefined) {
      store.pipelineLimit = this.pendingLimit;
      this.pendingLimit = undefined;
    }
    if (!this.active) return;
    const sw = this.config;
    if (sw.script !== undefined) return this.scripted(entry, store);
    if (entry.method === "ListPipelines" && sw.emptyListRate > 0 && this.random() < sw.emptyListRate) {
      this.acts.push({ run: this.run, beforeSeq: entry.seq, beforeMethod: entry.method, move: "empty-list", detail: "answered {} for the listing", revisionIds: [] });
      return "empty";
    }
    if (this.movesThisRun >= sw.maxMoves || !(this.random() < sw.rate)) return;
    const move = sw.moves[Math.floor(this.random() * sw.moves.length)]!;
    this.movesThisRun++;
    this.record(entry, store, move, () => this.act(move, store));
  };

  private pick<T>(items: readonly T[]): T | undefined {
    return items.length === 0 ? undefined : items[Math.floor(this.random() * items.length)];
  }

  /** Mostly a pipeline our side cares about; now and then any. */
  private target(store: EmulatorStore, name?: string): Pipeline | undefined {
    const all = store.listPipelines();
    if (name !== undefined) return all.find((p) => p.name === name);
    const contested = all.filter((p) => this.targets.contested.includes(p.name));
    return this.pick(contested.length > 0 && this.random() < 0.8 ? contested : all);
  }

  private act(move: SecondWriterMove, store: EmulatorStore, step?: ScriptedMove): Omit<SecondWriterAct, "run" | "beforeSeq" | "beforeMethod" | "revisionIds"> | undefined {
    switch (move) {
      case "create-planned-name": {
        const free = this.targets.plannedCreates.filter((n) => !store.listPipelines().some((p) => p.name === n));
        const name = step?.name ?? this.pick(free);
        if (name === undefined) return undefined;
        const source = OTHER_SOURCES[step?.to ?? Math.floor(this.random() * OTHER_SOURCES.length)];
        store.createPipeline(
          create(PipelineSchema, {
            name,
            contents: this.theirContents(name),
            matchers: ['team="a"'],
            enabled: true,
            configType: ConfigType.ALLOY,
            ...(source ? { source: sourceMessage(source)! } : {}),
          }),
        );
        return { move, name, detail: `created ${name} under ${source ? `${source.type}/${source.namespace}` : "no source"}` };
      }
      case "add-to-scope": {
        const name = step?.name ?? `x${this.edits}`;
        store.createPipeline(
          create(PipelineSchema, {
            name,
            contents: this.theirContents(name),
            matchers: ['team="a"'],
            enabled: true,
            configType: ConfigType.ALLOY,
            source: sourceMessage(this.scope)!,
          }),
        );
        return { move, name, detail: `created ${name} in our scope` };
      }
      case "edit": {
        const p = this.target(store, step?.name);
        if (p === undefined) return undefined;
        store.upsertPipeline(rewrite(p, { contents: this.theirContents(p.name) }));
        return { move, name: p.name, detail: `edited ${p.name}` };
      }
      case "delete": {
        const p = this.target(store, step?.name);
        if (p === undefined) return undefined;
        store.deletePipeline(p.id!);
        return { move, name: p.name, detail: `deleted ${p.name}` };
      }
      case "revert": {
        const p = this.target(store, step?.name);
        if (p === undefined) return undefined;
        store.upsertPipeline(rewrite(p, { contents: this.theirContents(p.name) }));
        store.upsertPipeline(rewrite(p, {}));
        return { move, name: p.name, detail: `edited ${p.name} and put it back` };
      }
      case "move": {
        const p = this.target(store, step?.name);
        if (p === undefined) return undefined;
        const to =
          step?.to !== undefined
            ? step.to < 0
              ? this.scope
              : OTHER_SOURCES[step.to]
            : this.inOurScope(p)
              ? OTHER_SOURCES[Math.floor(this.random() * OTHER_SOURCES.length)]
              : this.scope;
        store.upsertPipeline(rewrite(p, { source: sourceMessage(to) }));
        return { move, name: p.name, detail: `moved ${p.name} to ${to ? `${to.type}/${to.namespace}` : "no source"}` };
      }
      case "limit": {
        const next = Math.max(1, store.pipelineCount() + (step?.to ?? Math.floor(this.random() * 4) - 1));
        store.pipelineLimit = next;
        return { move, detail: `set the limit to ${next} (the stack holds ${store.pipelineCount()})` };
      }
    }
  }

  private theirContents(name: string): string {
    return `// ${name}: the second writer's edit ${++this.edits}\nprometheus.exporter.self "${name}" { }\n`;
  }
}
