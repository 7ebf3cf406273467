// fleet.collectors: the collector service's management calls as resources,
// with plain data (string literals, Dates) and FleetApiError subclasses. The
// generated methods (listCollectors, getConfig, ...) stay on the same object
// and on `fleet.raw`.
import { create } from "@bufbuild/protobuf";
import { timestampDate } from "@bufbuild/protobuf/wkt";
import { Code, type Client } from "@connectrpc/connect";
import {
  CollectorSchema,
  CollectorService,
  CollectorType as CollectorTypeEnum,
  type Attributes,
  type Collector as CollectorMessage,
} from "../../../gen/collector/v1/collector_pb.js";
import { ConfigurationError } from "../../errors/index.js";
import { ConflictError, NotFoundError } from "../api-error.js";
import { call, callOptions, type RequestOptions } from "./request.js";

/** The kind of collector; `unspecified` when it did not say. */
export type CollectorType = "alloy" | "otel" | "unspecified";

/** A collector as the service stores it. */
export interface Collector {
  /** The collector's id, chosen by the collector when it registers. */
  id: string;
  /** A display name; `""` when none. */
  name: string;
  /**
   * Whether it receives configuration. A collector stored without the field
   * reads as `true`: only an explicit `false` stops its configuration.
   */
  enabled: boolean;
  /** Alloy or OpenTelemetry; selects which pipelines it receives. */
  collectorType: CollectorType;
  /** Attributes the collector reported itself (read-only here). */
  localAttributes: Record<string, string>;
  /** Attributes set through the API; they win over local ones of the same name. */
  remoteAttributes: Record<string, string>;
  /** When the service created it, when it says. */
  createdAt?: Date;
  /** When the service last changed it, when it says. */
  updatedAt?: Date;
  /** When the collector unregistered; absent while it is active. */
  markedInactiveAt?: Date;
}

/** A collector to create. */
export interface CollectorInput {
  /** The collector's id; must be unique in the stack. */
  id: string;
  /** Default `""`. */
  name?: string | undefined;
  /** Default `true`. */
  enabled?: boolean | undefined;
  /** Default `"unspecified"` (the collector says when it registers). */
  collectorType?: CollectorType | undefined;
  /** Default `{}`. */
  remoteAttributes?: Record<string, string> | undefined;
}

/** What `collectors.update` changes; an absent (or `undefined`) field keeps its value. */
export interface CollectorPatch {
  /** A new display name. */
  name?: string | undefined;
  /** Whether it receives configuration. */
  enabled?: boolean | undefined;
  /** Replaces every remote attribute (use `{ ...current.remoteAttributes, key: value }` to add one). */
  remoteAttributes?: Record<string, string> | undefined;
}

/** Every attribute name in use, with its values (sorted). */
export interface CollectorAttributes {
  /** Attributes the collectors report themselves, by name. */
  local: Record<string, string[]>;
  /** Attributes set through the API, by name. */
  remote: Record<string, string[]>;
}

/** `fleet.collectors`: the collector service as resources, throwing `FleetApiError` subclasses. */
export interface CollectorsResource {
  /** Every collector, or those whose attributes satisfy all `matchers`. */
  list(matchers?: string[], options?: RequestOptions): Promise<Collector[]>;
  /** One collector; `NotFoundError` when there is none. */
  get(id: string, options?: RequestOptions): Promise<Collector>;
  /** Adds a collector ahead of its registration; AlreadyExistsError when the id is taken. */
  create(input: CollectorInput, options?: RequestOptions): Promise<Collector>;
  /**
   * Reads the collector, applies `patch`, reads it again right before the
   * write and refuses with ConflictError (writing nothing) when it changed
   * in between, then writes it back with UpdateCollector. As for pipelines,
   * a change between that second read and the write is not detected.
   */
  update(
    id: string,
    patch: CollectorPatch | ((current: Collector) => CollectorPatch | Promise<CollectorPatch>),
    options?: RequestOptions,
  ): Promise<Collector>;
  /** Removes the collector; `NotFoundError` when there is none. */
  delete(id: string, options?: RequestOptions): Promise<void>;
  /** The attribute names and values in use across the stack's collectors. */
  attributes(options?: RequestOptions): Promise<CollectorAttributes>;
}

const service = CollectorService;

const typeNames: Record<CollectorType, CollectorTypeEnum> = {
  alloy: CollectorTypeEnum.ALLOY,
  otel: CollectorTypeEnum.OTEL,
  unspecified: CollectorTypeEnum.UNSPECIFIED,
};

function collectorType(type: CollectorTypeEnum): CollectorType {
  return type === CollectorTypeEnum.ALLOY ? "alloy" : type === CollectorTypeEnum.OTEL ? "otel" : "unspecified";
}

/** The generated message as a `Collector`. */
export function collectorFromMessage(m: CollectorMessage): Collector {
  const c: Collector = {
    id: m.id,
    name: m.name,
    enabled: m.enabled ?? true,
    collectorType: collectorType(m.collectorType),
    localAttributes: { ...m.localAttributes },
    // The deprecated field is an alias; the new one wins on a clash.
    remoteAttributes: { ...m.attributeOverrides, ...m.remoteAttributes },
  };
  if (m.createdAt !== undefined) c.createdAt = timestampDate(m.createdAt);
  if (m.updatedAt !== undefined) c.updatedAt = timestampDate(m.updatedAt);
  if (m.markedInactiveAt !== undefined) c.markedInactiveAt = timestampDate(m.markedInactiveAt);
  return c;
}

function messageFromInput(input: CollectorInput): CollectorMessage {
  if (typeof input?.id !== "string" || input.id === "") throw new ConfigurationError("a collector needs a non-empty id");
  const type = input.collectorType ?? "unspecified";
  if (!Object.hasOwn(typeNames, type)) {
    throw new ConfigurationError(`collector ${JSON.stringify(input.id)}: unknown collectorType ${JSON.stringify(type)}; use "alloy", "otel" or "unspecified"`);
  }
  return create(CollectorSchema, {
    id: input.id,
    name: input.name ?? "",
    enabled: input.enabled ?? true,
    collectorType: typeNames[type],
    remoteAttributes: { ...input.remoteAttributes },
  });
}

function sameCollector(a: Collector, b: Collector): boolean {
  const attrs = (x: Record<string, string>) => JSON.stringify(Object.entries(x).sort(([k], [l]) => (k < l ? -1 : k > l ? 1 : 0)));
  return (
    a.updatedAt?.getTime() === b.updatedAt?.getTime() &&
    a.name === b.name &&
    a.enabled === b.enabled &&
    a.collectorType === b.collectorType &&
    attrs(a.remoteAttributes) === attrs(b.remoteAttributes)
  );
}

function attributeValues(map: Record<string, Attributes>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [name, attrs] of Object.entries(map)) out[name] = attrs.values.map((v) => v.value).sort();
  return out;
}

export function createCollectorsResource(raw: Client<typeof CollectorService>): CollectorsResource {
  const get = async (id: string, options: RequestOptions | undefined): Promise<Collector> => {
    if (typeof id !== "string" || id === "") throw new ConfigurationError("a collector id must be a non-empty string");
    return collectorFromMessage(await call(service, "GetCollector", () => raw.getCollector({ id }, callOptions(options))));
  };
  return {
    async list(matchers = [], options) {
      const answer = await call(service, "ListCollectors", () => raw.listCollectors({ matchers: [...matchers] }, callOptions(options)));
      return answer.collectors.map(collectorFromMessage);
    },

    get,

    async create(input, options) {
      const collector = messageFromInput(input);
      return collectorFromMessage(await call(service, "CreateCollector", () => raw.createCollector({ collector }, callOptions(options))));
    },

    async update(id, patch, options) {
      const current = await get(id, options);
      const wanted = typeof patch === "function" ? await patch(structuredClone(current)) : patch;
      if (typeof wanted !== "object" || wanted === null) {
        throw new ConfigurationError(`collector ${JSON.stringify(id)}: the patch must be an object`);
      }
      const next: Collector = {
        ...current,
        ...(wanted.name !== undefined ? { name: wanted.name } : {}),
        ...(wanted.enabled !== undefined ? { enabled: wanted.enabled } : {}),
        ...(wanted.remoteAttributes !== undefined ? { remoteAttributes: { ...wanted.remoteAttributes } } : {}),
      };
      if (sameCollector(current, next)) return current;
      const procedure = `${service.typeName}/UpdateCollector`;
      let latest: Collector;
      try {
        latest = await get(id, options);
      } catch (error) {
        if (!(error instanceof NotFoundError)) throw error;
        throw new ConflictError(`collector ${JSON.stringify(id)} was deleted after it was read; nothing was written`, {
          connectCode: Code.Aborted,
          procedure,
          cause: error,
        });
      }
      if (!sameCollector(current, latest)) {
        throw new ConflictError(`collector ${JSON.stringify(id)} changed after it was read; nothing was written. Read it again and retry`, {
          connectCode: Code.Aborted,
          procedure,
        });
      }
      const collector = messageFromInput({
        id,
        name: next.name,
        enabled: next.enabled,
        collectorType: next.collectorType,
        remoteAttributes: next.remoteAttributes,
      });
      return collectorFromMessage(await call(service, "UpdateCollector", () => raw.updateCollector({ collector }, callOptions(options))));
    },

    async delete(id, options) {
      if (typeof id !== "string" || id === "") throw new ConfigurationError("a collector id must be a non-empty string");
      await call(service, "DeleteCollector", () => raw.deleteCollector({ id }, callOptions(options)));
    },

    async attributes(options) {
      const answer = await call(service, "ListCollectorAttributes", () => raw.listCollectorAttributes({}, callOptions(options)));
      // The deprecated maps are aliases of the new ones; the new ones win.
      return {
        local: attributeValues({ ...answer.attributes, ...answer.localAttributes }),
        remote: attributeValues({ ...answer.attributeOverrides, ...answer.remoteAttributes }),
      };
    },
  };
}
