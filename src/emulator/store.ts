// The emulator's state and every operation on it, with no I/O: what the
// HTTP layer serves, and what unit tests drive directly. Stored messages are
// never mutated in place (each write stores a new object), so they can be
// handed to the serializer without copying.
import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError } from "@connectrpc/connect";
import { compileMatchers, FLEET_EMPTY_MATCHERS } from "../matchers/index.js";
import {
  ConfigType,
  PipelineRevision_Operation,
  PipelineRevisionSchema,
  PipelineSchema,
  PipelineSourceSchema,
  type Pipeline,
  type PipelineRevision,
  type PipelineSource,
} from "../../gen/pipeline/v1/pipeline_pb.js";
import {
  AttributesSchema,
  CollectorSchema,
  CollectorType,
  ListCollectorAttributesResponseSchema,
  Operation_OpType,
  ValueSchema,
  type Collector,
  type ListCollectorAttributesResponse,
  type Operation,
} from "../../gen/collector/v1/collector_pb.js";
import { assembleConfig, type AssembledConfig } from "./agent-config.js";
import { effectiveAttributes } from "./attributes.js";
import {
  checkMatchers,
  checkPipeline,
  type PipelineChecks,
  checkRemoteAttributes,
  checkSyncSource,
  describePipeline,
  effectiveConfigType,
  invalidArgument,
} from "./validation.js";

/**
 * What a pipeline without matchers matches: no collector (`none`, the service's behaviour as far as known) or every one.
 */
export type EmptyMatchersMode = "none" | "all";

export interface StoreOptions {
  /** Most pipelines the stack may hold. Default 200; `Infinity` for none. */
  pipelineLimit?: number;
  /** Most collectors the stack may hold. Default: no limit. */
  collectorLimit?: number;
  /** What a pipeline without matchers matches in attribute filters. Default "none". */
  emptyMatchers?: EmptyMatchersMode;
  /** Refuse writes whose Alloy contents do not parse. Default true; `false` stores any contents. */
  checkAlloySyntax?: boolean;
  /** Clock in milliseconds, for timestamps. Default `Date.now`. */
  now?: () => number;
}

export interface ListPipelinesFilter {
  localAttributes?: Readonly<Record<string, string>>;
  remoteAttributes?: Readonly<Record<string, string>>;
  configType?: ConfigType | undefined;
  enabled?: boolean | undefined;
}

/** A RegisterCollector request, the deprecated `attributes` already merged in. */
export interface AgentRegistration {
  id: string;
  name: string;
  localAttributes: Readonly<Record<string, string>>;
}

/** A GetConfig request, the deprecated `attributes` already merged in. */
export interface AgentConfigRequest {
  id: string;
  localAttributes: Readonly<Record<string, string>>;
  /** The hash of the configuration the collector holds; "" for none. */
  hash: string;
}

export interface AgentConfigAnswer {
  content: string;
  hash: string;
  notModified: boolean;
}

function sameAttributes(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && b[k] === a[k]);
}

/** What a write did: the stored (or, with validateOnly, would-be) pipeline. */
interface PlannedWrite {
  operation: PipelineRevision_Operation.INSERT | PipelineRevision_Operation.UPDATE;
  pipeline: Pipeline;
  /** False when the write leaves the stored pipeline as it was. */
  changed: boolean;
}

export const DEFAULT_PIPELINE_LIMIT = 200;

function notFound(message: string): ConnectError {
  return new ConnectError(message, Code.NotFound);
}

function sameSource(a: PipelineSource | undefined, b: PipelineSource): boolean {
  return a !== undefined && a.type === b.type && a.namespace === b.namespace;
}

function copySource(source: PipelineSource | undefined): PipelineSource | undefined {
  return source === undefined ? undefined : create(PipelineSourceSchema, { type: source.type, namespace: source.namespace });
}

/** Every user-visible field except id and timestamps. */
function sameContent(a: Pipeline, b: Pipeline): boolean {
  if (a.name !== b.name || a.contents !== b.contents || a.configType !== b.configType || a.enabled !== b.enabled) {
    return false;
  }
  if (a.matchers.length !== b.matchers.length || a.matchers.some((m, i) => m !== b.matchers[i])) return false;
  if ((a.source === undefined) !== (b.source === undefined)) return false;
  if (a.source !== undefined && !sameSource(a.source, b.source!)) return false;
  if ((a.metadata === undefined) !== (b.metadata === undefined)) return false;
  return a.metadata === undefined || JSON.stringify(a.metadata) === JSON.stringify(b.metadata);
}

function hasId(p: Pipeline): boolean {
  return p.id !== undefined && p.id !== "";
}

/**
 * The emulator's in-memory state and the service's rules, behind every RPC. The `beforeRequest` hook
 * receives it, to act as another writer would between a client's calls.
 */
export class EmulatorStore {
  /** Not readonly: a test may move the limit while a client runs (server beforeRequest hook). */
  pipelineLimit: number;
  /** The most collectors the stack may hold. */
  readonly collectorLimit: number;
  /** What a pipeline without matchers matches. */
  emptyMatchers: EmptyMatchersMode;
  private readonly now: () => number;

  private pipelines = new Map<string, Pipeline>();
  private idByName = new Map<string, string>();
  private collectors = new Map<string, Collector>();
  private revisions: PipelineRevision[] = [];
  private nextPipelineId = 1;
  private nextRevisionId = 1;
  /** Pipelines ordered by numeric id, rebuilt lazily after a change. */
  private sorted: Pipeline[] | undefined;
  private readonly compiled = new WeakMap<Pipeline, (attrs: Record<string, string>) => boolean>();
  /** Bumped on every change to the state, so that callers can tell when to persist. */
  version = 0;
  /** Checks a write makes beyond the fixed ones (seeding skips them). */
  private readonly writeChecks: PipelineChecks;

  constructor(options: StoreOptions = {}) {
    this.pipelineLimit = options.pipelineLimit ?? DEFAULT_PIPELINE_LIMIT;
    this.collectorLimit = options.collectorLimit ?? Infinity;
    this.emptyMatchers = options.emptyMatchers ?? FLEET_EMPTY_MATCHERS;
    this.now = options.now ?? Date.now;
    this.writeChecks = { alloySyntax: options.checkAlloySyntax !== false };
  }

  // ---- pipelines: reads ------------------------------------------------

  /** The pipeline with this id; throws `not_found`. */
  getPipeline(id: string): Pipeline {
    if (id === "") throw invalidArgument("id is required");
    const found = this.pipelines.get(id);
    if (found === undefined) throw notFound(`pipeline with id ${JSON.stringify(id)} not found`);
    return found;
  }

  /** The id of the pipeline with this name; throws `not_found`. */
  getPipelineId(name: string): string {
    if (name === "") throw invalidArgument("name is required");
    const id = this.idByName.get(name);
    if (id === undefined) throw notFound(`pipeline ${JSON.stringify(name)} not found`);
    return id;
  }

  /** The pipelines, ordered by id, narrowed as `ListPipelines` narrows them. */
  listPipelines(filter: ListPipelinesFilter = {}): Pipeline[] {
    const all = this.orderedPipelines();
    const local = filter.localAttributes ?? {};
    const remote = filter.remoteAttributes ?? {};
    const byAttributes = Object.keys(local).length > 0 || Object.keys(remote).length > 0;
    if (!byAttributes && filter.configType === undefined && filter.enabled === undefined) return all;
    const attrs = byAttributes ? effectiveAttributes(local, remote) : {};
    const wantType = filter.configType === undefined ? undefined : effectiveConfigType(filter.configType);
    return all.filter((p) => {
      if (wantType !== undefined && effectiveConfigType(p.configType) !== wantType) return false;
      // An unset `enabled` reads as false, the proto default.
      if (filter.enabled !== undefined && (p.enabled ?? false) !== filter.enabled) return false;
      return !byAttributes || this.pipelineMatches(p, attrs);
    });
  }

  /** Whether a pipeline would be assigned to a collector with these attributes. */
  pipelineMatches(p: Pipeline, attributes: Record<string, string>): boolean {
    if (p.matchers.length === 0) return this.emptyMatchers === "all";
    let test = this.compiled.get(p);
    if (test === undefined) {
      test = compileMatchers(p.matchers);
      this.compiled.set(p, test);
    }
    return test(attributes);
  }

  /** Every revision, oldest first. */
  listRevisions(): PipelineRevision[] {
    return this.revisions;
  }

  /** The revisions of one pipeline (deleted ones included), oldest first. */
  listPipelineRevisions(id: string): PipelineRevision[] {
    if (id === "") throw invalidArgument("id is required");
    const found = this.revisions.filter((r) => r.snapshot?.id === id);
    if (found.length === 0 && !this.pipelines.has(id)) throw notFound(`pipeline with id ${JSON.stringify(id)} not found`);
    return found;
  }

  /** One revision; throws `not_found`. */
  getRevision(revisionId: string): PipelineRevision {
    if (revisionId === "") throw invalidArgument("revision_id is required");
    const found = this.revisions.find((r) => r.revisionId === revisionId);
    if (found === undefined) throw notFound(`revision ${JSON.stringify(revisionId)} not found`);
    return found;
  }

  // ---- pipelines: writes -----------------------------------------------

  /** `CreatePipeline`: adds a pipeline, or with `validateOnly` only checks it. */
  createPipeline(input: Pipeline | undefined, validateOnly = false): Pipeline {
    const p = this.requirePipeline(input, "Create");
    if (this.idByName.has(p.name)) {
      throw new ConnectError(`${describePipeline(p)} already exists`, Code.AlreadyExists);
    }
    this.checkGrowth(1);
    return this.commitWrite(this.planInsert(p, p.source), validateOnly);
  }

  /** `UpdatePipeline`: replaces the pipeline with the input's id. */
  updatePipeline(input: Pipeline | undefined, validateOnly = false): Pipeline {
    if (input === undefined) throw invalidArgument("pipeline is required");
    if (!hasId(input)) throw invalidArgument(`${describePipeline(input)}: id is required for an update`);
    checkPipeline(input, undefined, this.writeChecks);
    const existing = this.pipelines.get(input.id!);
    if (existing === undefined) throw notFound(`pipeline with id ${JSON.stringify(input.id)} not found`);
    const holder = this.idByName.get(input.name);
    if (holder !== undefined && holder !== existing.id) {
      throw new ConnectError(`${describePipeline(input)} already exists with id ${holder}`, Code.AlreadyExists);
    }
    return this.commitWrite(this.planReplace(existing, input, input.source), validateOnly);
  }

  /** `UpsertPipeline`: creates, or replaces the pipeline with the input's name. */
  upsertPipeline(input: Pipeline | undefined, validateOnly = false): Pipeline {
    const p = this.requirePipeline(input, "Upsert");
    const existingId = this.idByName.get(p.name);
    if (existingId === undefined) {
      this.checkGrowth(1);
      return this.commitWrite(this.planInsert(p, p.source), validateOnly);
    }
    return this.commitWrite(this.planReplace(this.pipelines.get(existingId)!, p, p.source), validateOnly);
  }

  /** `DeletePipeline`. */
  deletePipeline(id: string): void {
    const existing = this.getPipeline(id);
    this.removePipeline(existing);
    this.changed();
  }

  /** `BulkDeletePipelines`: all or nothing. */
  bulkDeletePipelines(ids: readonly string[]): void {
    if (ids.length === 0) throw invalidArgument("ids must not be empty");
    const seen = new Set<string>();
    for (const id of ids) {
      if (seen.has(id)) throw invalidArgument(`id ${JSON.stringify(id)} is listed twice`);
      seen.add(id);
    }
    const missing = ids.filter((id) => !this.pipelines.has(id));
    if (missing.length > 0) {
      throw notFound(`pipelines not found: ${missing.map((id) => JSON.stringify(id)).join(", ")}; nothing was deleted`);
    }
    for (const id of ids) this.removePipeline(this.pipelines.get(id)!);
    this.changed();
  }

  /**
   * Atomic: upsert every pipeline by name (whatever its current source) with
   * the request's source, then delete the pipelines of exactly that source
   * whose names are absent. Any failure leaves the state untouched.
   */
  syncPipelines(sourceInput: PipelineSource | undefined, inputs: readonly Pipeline[]): void {
    const source = checkSyncSource(sourceInput);
    const names = new Set<string>();
    inputs.forEach((p, i) => {
      checkPipeline(p, i, this.writeChecks);
      if (hasId(p)) throw invalidArgument(`${describePipeline(p, i)}: id must not be set in a sync`);
      if (names.has(p.name)) throw invalidArgument(`${describePipeline(p, i)} appears more than once`);
      names.add(p.name);
    });
    const writes: PlannedWrite[] = [];
    let inserts = 0;
    for (const p of inputs) {
      const existingId = this.idByName.get(p.name);
      if (existingId === undefined) {
        inserts++;
        writes.push(this.planInsert(p, source));
      } else {
        writes.push(this.planReplace(this.pipelines.get(existingId)!, p, source));
      }
    }
    const deletes = this.orderedPipelines().filter((p) => sameSource(p.source, source) && !names.has(p.name));
    this.checkGrowth(inserts - deletes.length);
    for (const w of writes) this.commitWrite(w, false, false);
    for (const p of deletes) this.removePipeline(p);
    this.changed();
  }

  // ---- collectors ------------------------------------------------------

  /** The collector with this id; throws `not_found`. */
  getCollector(id: string): Collector {
    if (id === "") throw invalidArgument("id is required");
    const found = this.collectors.get(id);
    if (found === undefined) throw notFound(`collector ${JSON.stringify(id)} not found`);
    return found;
  }

  /** The collectors whose attributes satisfy every matcher, in creation order. */
  listCollectors(matchers: readonly string[] = []): Collector[] {
    const all = [...this.collectors.values()];
    if (matchers.length === 0) return all;
    checkMatchers(matchers, "matchers");
    const test = compileMatchers([...matchers]);
    return all.filter((c) => test(effectiveAttributes(c.localAttributes, c.remoteAttributes, c.id)));
  }

  /** `CreateCollector`. */
  createCollector(input: Collector | undefined): Collector {
    if (input === undefined) throw invalidArgument("collector is required");
    if (input.id === "") throw invalidArgument("collector id is required");
    if (this.collectors.has(input.id)) {
      throw new ConnectError(`collector ${JSON.stringify(input.id)} already exists`, Code.AlreadyExists);
    }
    if (this.collectors.size + 1 > this.collectorLimit) {
      throw new ConnectError(`collector limit of ${this.collectorLimit} reached`, Code.ResourceExhausted);
    }
    const t = timestampFromMs(this.now());
    // Local attributes come only from the collector's own registration.
    const stored = this.buildCollector(input, {}, t, t);
    this.collectors.set(stored.id, stored);
    this.changed();
    return stored;
  }

  /** `UpdateCollector`. */
  updateCollector(input: Collector | undefined): Collector {
    if (input === undefined) throw invalidArgument("collector is required");
    const existing = this.getCollector(input.id);
    const stored = this.buildCollector(input, existing.localAttributes, existing.createdAt, timestampFromMs(this.now()), existing);
    this.collectors.set(stored.id, stored);
    this.changed();
    return stored;
  }

  /** `DeleteCollector`. */
  deleteCollector(id: string): void {
    this.getCollector(id);
    this.collectors.delete(id);
    this.changed();
  }

  /** `BulkDeleteCollectors`: all or nothing. */
  bulkDeleteCollectors(ids: readonly string[]): void {
    if (ids.length === 0) throw invalidArgument("ids must not be empty");
    const missing = ids.filter((id) => !this.collectors.has(id));
    if (missing.length > 0) {
      throw notFound(`collectors not found: ${missing.map((id) => JSON.stringify(id)).join(", ")}; nothing was deleted`);
    }
    for (const id of ids) this.collectors.delete(id);
    this.changed();
  }

  /** Applies `ops` in order to every collector, all or nothing. */
  bulkUpdateCollectors(ids: readonly string[], ops: readonly Operation[]): void {
    if (ids.length === 0) throw invalidArgument("ids must not be empty");
    if (ops.length === 0) throw invalidArgument("ops must not be empty");
    const missing = ids.filter((id) => !this.collectors.has(id));
    if (missing.length > 0) {
      throw notFound(`collectors not found: ${missing.map((id) => JSON.stringify(id)).join(", ")}; nothing was updated`);
    }
    const t = timestampFromMs(this.now());
    const updated = ids.map((id) => {
      const existing = this.collectors.get(id)!;
      const remote = { ...existing.remoteAttributes };
      ops.forEach((op, i) => applyOperation(remote, op, i));
      checkRemoteAttributes(remote, `collector ${JSON.stringify(id)}`);
      return create(CollectorSchema, { ...existing, remoteAttributes: remote, updatedAt: t });
    });
    for (const c of updated) this.collectors.set(c.id, c);
    this.changed();
  }

  /** `ListCollectorAttributes`: every attribute name and value in use. */
  listCollectorAttributes(): ListCollectorAttributesResponse {
    const local = new Map<string, Set<string>>();
    const remote = new Map<string, Set<string>>();
    const add = (into: Map<string, Set<string>>, attrs: Record<string, string>) => {
      for (const [k, v] of Object.entries(attrs)) {
        let values = into.get(k);
        if (values === undefined) into.set(k, (values = new Set()));
        values.add(v);
      }
    };
    for (const c of this.collectors.values()) {
      add(local, c.localAttributes);
      add(remote, c.remoteAttributes);
    }
    const toMessage = (m: Map<string, Set<string>>) =>
      Object.fromEntries(
        [...m.entries()]
          .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
          .map(([k, values]) => [
            k,
            create(AttributesSchema, { values: [...values].sort().map((value) => create(ValueSchema, { value })) }),
          ]),
      );
    return create(ListCollectorAttributesResponseSchema, {
      localAttributes: toMessage(local),
      remoteAttributes: toMessage(remote),
    });
  }

  // ---- whole-state operations (seed, reset, persistence) ---------------

  /** How many pipelines the stack holds. */
  pipelineCount(): number {
    return this.pipelines.size;
  }

  /** How many collectors the stack holds. */
  collectorCount(): number {
    return this.collectors.size;
  }

  // ---- collectors: agent calls -------------------------------------------

  /**
   * RegisterCollector: creates the collector (enabled, type Alloy), or
   * refreshes its name and local attributes. Registering again also clears
   * `markedInactiveAt`: the collector is back. Nothing changes when the
   * registration repeats the stored values.
   */
  registerCollector(input: AgentRegistration): Collector {
    if (input.id === "") throw invalidArgument("id is required");
    const t = timestampFromMs(this.now());
    const existing = this.collectors.get(input.id);
    if (existing === undefined) {
      if (this.collectors.size + 1 > this.collectorLimit) {
        throw new ConnectError(`collector limit of ${this.collectorLimit} reached`, Code.ResourceExhausted);
      }
      const stored = create(CollectorSchema, {
        id: input.id,
        name: input.name,
        localAttributes: { ...input.localAttributes },
        enabled: true,
        // Only Alloy speaks this protocol today.
        collectorType: CollectorType.ALLOY,
        createdAt: t,
        updatedAt: t,
      });
      this.collectors.set(stored.id, stored);
      this.changed();
      return stored;
    }
    if (
      existing.name === input.name &&
      existing.markedInactiveAt === undefined &&
      sameAttributes(existing.localAttributes, input.localAttributes)
    ) {
      return existing;
    }
    const { markedInactiveAt: _dropped, ...rest } = existing;
    const stored = create(CollectorSchema, {
      ...rest,
      name: input.name,
      localAttributes: { ...input.localAttributes },
      updatedAt: t,
    });
    this.collectors.set(stored.id, stored);
    this.changed();
    return stored;
  }

  /**
   * GetConfig: the enabled pipelines of the collector's config type whose
   * matchers all hold for its effective attributes, assembled into one
   * document. The request's local attributes are used when it has any, else
   * the stored ones. An unknown id is not an error and registers nothing: it
   * is evaluated as an Alloy collector with the request's attributes only.
   */
  getConfig(request: AgentConfigRequest): AgentConfigAnswer {
    if (request.id === "") throw invalidArgument("id is required");
    const collector = this.collectors.get(request.id);
    let assembled: AssembledConfig;
    if (collector?.enabled === false) {
      assembled = assembleConfig([]);
    } else {
      const local = Object.keys(request.localAttributes).length > 0 ? request.localAttributes : (collector?.localAttributes ?? {});
      const attrs = effectiveAttributes(local, collector?.remoteAttributes ?? {}, request.id);
      const wantType = collector?.collectorType === CollectorType.OTEL ? ConfigType.OTEL : ConfigType.ALLOY;
      const chosen = this.orderedPipelines().filter(
        (p) => p.enabled === true && effectiveConfigType(p.configType) === wantType && this.pipelineMatches(p, attrs),
      );
      assembled = assembleConfig(chosen, wantType === ConfigType.OTEL ? "#" : "//");
    }
    if (request.hash !== "" && request.hash === assembled.hash) {
      return { content: "", hash: assembled.hash, notModified: true };
    }
    return { ...assembled, notModified: false };
  }

  /** UnregisterCollector: keeps the collector, marked inactive from now (the first mark stands). */
  unregisterCollector(id: string): void {
    const existing = this.getCollector(id);
    if (existing.markedInactiveAt !== undefined) return;
    const t = timestampFromMs(this.now());
    this.collectors.set(id, create(CollectorSchema, { ...existing, markedInactiveAt: t, updatedAt: t }));
    this.changed();
  }

  /**
   * Puts pipelines in place as given (validated, but no limit and no
   * revision): replaces the pipeline of the same name, keeps or assigns ids.
   */
  seedPipeline(input: Pipeline): Pipeline {
    checkPipeline(input);
    const byName = this.idByName.get(input.name);
    let id = hasId(input) ? input.id! : (byName ?? this.allocatePipelineId());
    if (!/^[0-9]+$/.test(id)) throw invalidArgument(`${describePipeline(input)}: id must be a decimal number`);
    id = String(Number(id));
    const holder = this.pipelines.get(id);
    if (holder !== undefined && holder.name !== input.name) {
      throw invalidArgument(`${describePipeline(input)}: id ${id} is already used by ${describePipeline(holder)}`);
    }
    if (byName !== undefined && byName !== id) this.pipelines.delete(byName);
    const t = timestampFromMs(this.now());
    const stored = create(PipelineSchema, {
      ...this.pipelineFields(input, copySource(input.source)),
      id,
      createdAt: input.createdAt ?? t,
      updatedAt: input.updatedAt ?? input.createdAt ?? t,
    });
    this.pipelines.set(id, stored);
    this.idByName.set(stored.name, id);
    this.nextPipelineId = Math.max(this.nextPipelineId, Number(id) + 1);
    this.changed();
    return stored;
  }

  /** Puts a collector in place as given, local attributes included. */
  seedCollector(input: Collector): Collector {
    if (input.id === "") throw invalidArgument("collector id is required");
    const t = timestampFromMs(this.now());
    const local = { ...input.attributes, ...input.localAttributes };
    const stored = this.buildCollector(input, local, input.createdAt ?? t, input.updatedAt ?? input.createdAt ?? t);
    this.collectors.set(stored.id, stored);
    this.changed();
    return stored;
  }

  /** Forgets every pipeline, collector and revision; ids start again at 1. */
  reset(): void {
    this.pipelines = new Map();
    this.idByName = new Map();
    this.collectors = new Map();
    this.revisions = [];
    this.nextPipelineId = 1;
    this.nextRevisionId = 1;
    this.changed();
  }

  /** The complete state as messages plus counters, for snapshots. */
  dump(): { pipelines: Pipeline[]; collectors: Collector[]; revisions: PipelineRevision[]; nextPipelineId: number; nextRevisionId: number } {
    return {
      pipelines: this.orderedPipelines(),
      collectors: [...this.collectors.values()],
      revisions: this.revisions,
      nextPipelineId: this.nextPipelineId,
      nextRevisionId: this.nextRevisionId,
    };
  }

  /** Replaces the whole state with a dump (from a state file). */
  restore(dump: {
    pipelines: readonly Pipeline[];
    collectors: readonly Collector[];
    revisions: readonly PipelineRevision[];
    nextPipelineId?: number;
    nextRevisionId?: number;
  }): void {
    this.reset();
    for (const p of dump.pipelines) this.seedPipeline(p);
    for (const c of dump.collectors) this.seedCollector(c);
    this.revisions = [...dump.revisions];
    const maxRevision = this.revisions.reduce((m, r) => Math.max(m, Number(r.revisionId) || 0), 0);
    this.nextRevisionId = Math.max(dump.nextRevisionId ?? 1, maxRevision + 1);
    this.nextPipelineId = Math.max(dump.nextPipelineId ?? 1, this.nextPipelineId);
    this.changed();
  }

  // ---- internals -------------------------------------------------------

  private requirePipeline(input: Pipeline | undefined, verb: string): Pipeline {
    if (input === undefined) throw invalidArgument("pipeline is required");
    checkPipeline(input, undefined, this.writeChecks);
    // v2 of the API rejects a client-chosen id on Create and Upsert; so does the emulator.
    if (hasId(input)) throw invalidArgument(`${describePipeline(input)}: id must not be set on ${verb}; the server assigns it`);
    return input;
  }

  /** Fails when a write adding `delta` pipelines would pass the limit. */
  private checkGrowth(delta: number): void {
    const after = this.pipelines.size + delta;
    if (delta > 0 && after > this.pipelineLimit) {
      throw new ConnectError(
        `pipeline limit of ${this.pipelineLimit} reached: the stack holds ${this.pipelines.size}, this write would make ${after}`,
        Code.ResourceExhausted,
      );
    }
  }

  private pipelineFields(p: Pipeline, source: PipelineSource | undefined) {
    return {
      name: p.name,
      contents: p.contents,
      matchers: [...p.matchers],
      configType: p.configType,
      ...(p.enabled !== undefined ? { enabled: p.enabled } : {}),
      ...(p.metadata !== undefined ? { metadata: structuredClone(p.metadata) } : {}),
      ...(source !== undefined ? { source } : {}),
    };
  }

  private planInsert(p: Pipeline, source: PipelineSource | undefined): PlannedWrite {
    const t = timestampFromMs(this.now());
    const pipeline = create(PipelineSchema, { ...this.pipelineFields(p, copySource(source)), createdAt: t, updatedAt: t });
    return { operation: PipelineRevision_Operation.INSERT, pipeline, changed: true };
  }

  /** Full replacement: whatever the input leaves out is cleared. */
  private planReplace(existing: Pipeline, p: Pipeline, source: PipelineSource | undefined): PlannedWrite {
    const next = create(PipelineSchema, {
      ...this.pipelineFields(p, copySource(source)),
      id: existing.id,
      createdAt: existing.createdAt,
      updatedAt: existing.updatedAt,
    });
    if (sameContent(existing, next)) return { operation: PipelineRevision_Operation.UPDATE, pipeline: existing, changed: false };
    next.updatedAt = timestampFromMs(this.now());
    return { operation: PipelineRevision_Operation.UPDATE, pipeline: next, changed: true };
  }

  /** Stores a planned write (unless validating) and records its revision. */
  private commitWrite(w: PlannedWrite, validateOnly: boolean, notify = true): Pipeline {
    if (validateOnly || !w.changed) return w.pipeline;
    const p = w.pipeline;
    if (p.id === undefined) p.id = this.allocatePipelineId();
    const previous = this.pipelines.get(p.id);
    if (previous !== undefined && previous.name !== p.name) this.idByName.delete(previous.name);
    this.pipelines.set(p.id, p);
    this.idByName.set(p.name, p.id);
    this.addRevision(w.operation, p);
    if (notify) this.changed();
    return p;
  }

  private removePipeline(p: Pipeline): void {
    this.pipelines.delete(p.id!);
    this.idByName.delete(p.name);
    this.addRevision(PipelineRevision_Operation.DELETE, p);
  }

  private addRevision(operation: PipelineRevision_Operation, snapshot: Pipeline): void {
    this.revisions.push(
      create(PipelineRevisionSchema, {
        revisionId: String(this.nextRevisionId++),
        snapshot,
        createdAt: timestampFromMs(this.now()),
        operation,
      }),
    );
  }

  private allocatePipelineId(): string {
    let id = this.nextPipelineId++;
    while (this.pipelines.has(String(id))) id = this.nextPipelineId++;
    return String(id);
  }

  private buildCollector(
    input: Collector,
    localAttributes: Record<string, string>,
    createdAt: Collector["createdAt"],
    updatedAt: Collector["updatedAt"],
    existing?: Collector,
  ): Collector {
    // The deprecated `attribute_overrides` is read as an alias; the new name wins on a clash.
    const remote = { ...input.attributeOverrides, ...input.remoteAttributes };
    checkRemoteAttributes(remote, `collector ${JSON.stringify(input.id)}`);
    return create(CollectorSchema, {
      id: input.id,
      name: input.name,
      remoteAttributes: remote,
      localAttributes: { ...localAttributes },
      collectorType: input.collectorType,
      createdAt,
      updatedAt,
      ...(input.enabled !== undefined ? { enabled: input.enabled } : {}),
      ...(existing?.markedInactiveAt !== undefined ? { markedInactiveAt: existing.markedInactiveAt } : {}),
      ...(existing === undefined && input.markedInactiveAt !== undefined ? { markedInactiveAt: input.markedInactiveAt } : {}),
    });
  }

  private orderedPipelines(): Pipeline[] {
    if (this.sorted === undefined) {
      this.sorted = [...this.pipelines.values()].sort((a, b) => Number(a.id) - Number(b.id));
    }
    return this.sorted;
  }

  private changed(): void {
    this.sorted = undefined;
    this.version++;
  }
}

/** Paths name one remote attribute: `remoteAttributes.<key>` (or snake_case, or the deprecated name). */
function attributeKey(path: string | undefined, what: string, index: number): string {
  const prefixes = ["remoteAttributes.", "remote_attributes.", "attributeOverrides.", "attribute_overrides."];
  const prefix = path === undefined ? undefined : prefixes.find((p) => path.startsWith(p));
  if (path === undefined || prefix === undefined || path.length === prefix.length) {
    throw invalidArgument(
      `ops[${index}]: ${what} ${JSON.stringify(path ?? "")} must be "remoteAttributes.<key>"`,
    );
  }
  return path.slice(prefix.length);
}

function requireValue(op: Operation, index: number): string {
  if (op.value === undefined) throw invalidArgument(`ops[${index}]: ${Operation_OpType[op.op]} needs a value`);
  return op.value;
}

/** One JSON-Patch-like step on a remote attribute map (mutates `remote`). */
function applyOperation(remote: Record<string, string>, op: Operation, index: number): void {
  const key = attributeKey(op.path, "path", index);
  switch (op.op) {
    case Operation_OpType.ADD:
      remote[key] = requireValue(op, index);
      return;
    case Operation_OpType.REMOVE:
      delete remote[key];
      return;
    case Operation_OpType.REPLACE: {
      const value = requireValue(op, index);
      if (!(key in remote)) return;
      if (op.oldValue !== undefined && remote[key] !== op.oldValue) return;
      remote[key] = value;
      return;
    }
    case Operation_OpType.MOVE:
    case Operation_OpType.COPY: {
      const from = attributeKey(op.from, "from", index);
      if (!(from in remote)) return;
      const value = remote[from]!;
      if (op.op === Operation_OpType.MOVE) delete remote[from];
      remote[key] = value;
      return;
    }
    default:
      throw invalidArgument(`ops[${index}]: unknown operation ${String(op.op)}`);
  }
}
