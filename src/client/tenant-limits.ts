// tenant.v1.TenantService/GetLimits has no published .proto. The call is
// described here by hand (request google.protobuf.Empty, response
// google.protobuf.Struct, i.e. any JSON object) so that it runs through the
// same Connect protocol code and the same interceptors as the generated
// services, always in JSON. The response is then read defensively: the docs
// and Grafana's gcx CLI disagree on its shape.
import { create, createFileRegistry } from "@bufbuild/protobuf";
import type { GenService } from "@bufbuild/protobuf/codegenv2";
import {
  FileDescriptorProtoSchema,
  file_google_protobuf_empty,
  file_google_protobuf_struct,
  type EmptySchema,
  type StructSchema,
} from "@bufbuild/protobuf/wkt";

/** Limits of the stack; an absent field means the stack has no such limit. */
export interface TenantLimits {
  /** Most pipelines the stack may hold. */
  pipelines?: number;
  /** Most collectors the stack may hold. */
  collectors?: number;
  /** Request rate limits, in requests per second. */
  requestsPerSecond?: {
    /** The management API (pipelines, collectors). */
    api?: number;
    /** The collector-facing endpoints (GetConfig, RegisterCollector). */
    collector?: number;
  };
  /** The response as received (parsed JSON), for fields this version does not know. */
  raw: unknown;
}

export type TenantServiceDesc = GenService<{
  getLimits: { methodKind: "unary"; input: typeof EmptySchema; output: typeof StructSchema };
}>;

export const TenantService: TenantServiceDesc = (() => {
  const file = create(FileDescriptorProtoSchema, {
    name: "fleet_pipelines/tenant/v1/tenant.proto",
    package: "tenant.v1",
    syntax: "proto3",
    dependency: ["google/protobuf/empty.proto", "google/protobuf/struct.proto"],
    service: [
      {
        name: "TenantService",
        method: [{ name: "GetLimits", inputType: ".google.protobuf.Empty", outputType: ".google.protobuf.Struct" }],
      },
    ],
  });
  const registry = createFileRegistry(file, (name) =>
    name === "google/protobuf/empty.proto"
      ? file_google_protobuf_empty
      : name === "google/protobuf/struct.proto"
        ? file_google_protobuf_struct
        : undefined,
  );
  const service = registry.getService("tenant.v1.TenantService");
  if (service === undefined) throw new Error("tenant.v1.TenantService descriptor failed to build");
  // The descriptor built above has exactly the shape the type states.
  return service as TenantServiceDesc;
})();

type JsonRecord = Record<string, unknown>;

function isRecord(value: unknown): value is JsonRecord {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A non-negative finite number, or a JSON string holding one (64-bit integers arrive as strings). */
function readNumber(value: unknown): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) && value >= 0 ? value : undefined;
  if (typeof value === "string" && /^\s*\d+(\.\d+)?\s*$/.test(value)) return Number(value);
  return undefined;
}

/** The first key present (snake_case or camelCase spellings) with a usable number. */
function pick(source: JsonRecord | undefined, keys: readonly string[]): number | undefined {
  if (source === undefined) return undefined;
  for (const key of keys) {
    if (key in source) {
      const n = readNumber(source[key]);
      if (n !== undefined) return n;
    }
  }
  return undefined;
}

/**
 * Reads either documented shape:
 * - flat (gcx): `collectors`, `pipelines`, `requests_per_second_collector`, `requests_per_second_api`
 *   (or their camelCase forms);
 * - nested (docs' RequestLimits): `{ collectors, pipelines, requestLimits: { collector, api } }`.
 * Unknown keys are ignored; a value that is not a number (or numeric string) counts as absent.
 */
export function parseTenantLimits(raw: unknown): TenantLimits {
  const body = isRecord(raw) ? raw : {};
  const nestedValue = body["requestLimits"] ?? body["request_limits"] ?? body["requestsPerSecond"] ?? body["requests_per_second"];
  const nested = isRecord(nestedValue) ? nestedValue : undefined;

  const limits: TenantLimits = { raw };
  const pipelines = pick(body, ["pipelines", "pipelinesLimit", "pipelines_limit"]);
  const collectors = pick(body, ["collectors", "collectorsLimit", "collectors_limit"]);
  if (pipelines !== undefined) limits.pipelines = pipelines;
  if (collectors !== undefined) limits.collectors = collectors;

  const api =
    pick(body, ["requests_per_second_api", "requestsPerSecondApi"]) ??
    pick(nested, ["api", "requests_per_second_api", "requestsPerSecondApi"]);
  const collector =
    pick(body, ["requests_per_second_collector", "requestsPerSecondCollector"]) ??
    pick(nested, ["collector", "requests_per_second_collector", "requestsPerSecondCollector"]);
  if (api !== undefined || collector !== undefined) {
    limits.requestsPerSecond = {};
    if (api !== undefined) limits.requestsPerSecond.api = api;
    if (collector !== undefined) limits.requestsPerSecond.collector = collector;
  }
  return limits;
}
