// Two ways of calling the emulator with the same test code: a generated
// Connect client over binary protobuf, and plain fetch with Connect JSON
// bodies (what a curl user sends). Both take and give protojson objects.
import { fromJson, toJson, type DescMessage, type JsonValue } from "@bufbuild/protobuf";
import { ConnectError, createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { expect } from "vitest";
import { PipelineService } from "../../gen/pipeline/v1/pipeline_pb.js";
import { CollectorService } from "../../gen/collector/v1/collector_pb.js";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export type CallResult = { code: "ok"; body: Json } | { code: string; message: string };

type ServiceName = "pipeline" | "collector";

export interface Driver {
  name: string;
  call(service: ServiceName, method: string, request: Json): Promise<CallResult>;
}

const SERVICES = { pipeline: PipelineService, collector: CollectorService } as const;

/** The Connect code → HTTP status mapping the JSON driver checks on every error. */
export const STATUS_OF: Record<string, number> = {
  invalid_argument: 400,
  unauthenticated: 401,
  permission_denied: 403,
  not_found: 404,
  already_exists: 409,
  resource_exhausted: 429,
  internal: 500,
  unimplemented: 501,
  unavailable: 503,
  deadline_exceeded: 504,
};

const CODE_NAME: Record<number, string> = {
  1: "canceled",
  2: "unknown",
  3: "invalid_argument",
  4: "deadline_exceeded",
  5: "not_found",
  6: "already_exists",
  7: "permission_denied",
  8: "resource_exhausted",
  9: "failed_precondition",
  10: "aborted",
  11: "out_of_range",
  12: "unimplemented",
  13: "internal",
  14: "unavailable",
  15: "data_loss",
  16: "unauthenticated",
};

export function codeNameOf(error: unknown): string {
  return CODE_NAME[ConnectError.from(error).code] ?? "unknown";
}

export function binaryDriver(baseUrl: string, httpVersion: "1.1" | "2" = "1.1"): Driver {
  const transport = createConnectTransport({ baseUrl, httpVersion, useBinaryFormat: true });
  const clients = {
    pipeline: createClient(PipelineService, transport),
    collector: createClient(CollectorService, transport),
  };
  return {
    name: `connect client, binary, HTTP/${httpVersion}`,
    async call(service, method, request) {
      const desc = SERVICES[service].method[lowerFirst(method) as keyof (typeof SERVICES)[typeof service]["method"]] as {
        input: DescMessage;
        output: DescMessage;
      };
      const client = clients[service] as unknown as Record<string, (req: unknown) => Promise<unknown>>;
      try {
        const response = await client[lowerFirst(method)]!(fromJson(desc.input, request as JsonValue));
        return { code: "ok", body: toJson(desc.output, response as never) };
      } catch (error) {
        return { code: codeNameOf(error), message: ConnectError.from(error).rawMessage };
      }
    },
  };
}

export function jsonDriver(baseUrl: string): Driver {
  return {
    name: "fetch, Connect JSON, HTTP/1.1",
    async call(service, method, request) {
      const path = `${SERVICES[service].typeName}/${method}`;
      const res = await fetch(`${baseUrl}/${path}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(request),
      });
      const text = await res.text();
      if (res.status === 200) return { code: "ok", body: JSON.parse(text) };
      expect(res.headers.get("content-type")).toMatch(/^application\/json/);
      const body = JSON.parse(text) as { code: string; message: string };
      expect(Object.keys(body).sort()).toEqual(["code", "message"]);
      expect(res.status, `HTTP status for ${body.code}`).toBe(STATUS_OF[body.code]);
      return { code: body.code, message: body.message };
    },
  };
}

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}

/** Unwraps a successful call, failing the test with the error otherwise. */
export function ok(result: CallResult): Json {
  if (!("body" in result)) throw new Error(`expected ok, got ${result.code}: ${result.message}`);
  return result.body;
}
