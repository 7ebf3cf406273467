// The HTTP surface itself: JSON as curl users send it, h2c, GetLimits,
// error envelopes, and routes that are not RPCs.
import { ConnectError, createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startEmulator, type Emulator } from "../../src/emulator/index.js";
import { ConfigType, PipelineService } from "../../gen/pipeline/v1/pipeline_pb.js";
import { CollectorService } from "../../gen/collector/v1/collector_pb.js";
import { binaryDriver, codeNameOf, ok } from "./drivers.js";

let emulator: Emulator;

beforeAll(async () => {
  emulator = await startEmulator({ pipelineLimit: 50, collectorLimit: 10, rps: 1000 });
});
afterAll(async () => {
  await emulator.stop();
});
beforeEach(() => emulator.reset());

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${emulator.url}/${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });

describe("Connect JSON", () => {
  it("accepts snake_case and camelCase field names, enum names and numbers, and ignores unknown fields", async () => {
    const snake = await post("pipeline.v1.PipelineService/CreatePipeline", {
      pipeline: { name: "snake", contents: "x", config_type: "CONFIG_TYPE_OTEL" },
      validate_only: false,
      not_a_field: true,
    });
    expect(snake.status).toBe(200);
    const camel = await post("pipeline.v1.PipelineService/CreatePipeline", {
      pipeline: { name: "camel", contents: "x", configType: 2, futureField: { a: 1 } },
      validateOnly: false,
    });
    expect(camel.status).toBe(200);
    expect((await camel.json()) as object).toMatchObject({ name: "camel", configType: "CONFIG_TYPE_OTEL" });
    expect(emulator.state().pipelines.map((p) => p.configType)).toEqual(["CONFIG_TYPE_OTEL", "CONFIG_TYPE_OTEL"]);
  });

  it("answers in camelCase and omits empty fields, so an empty list is {}", async () => {
    const empty = await post("pipeline.v1.PipelineService/ListPipelines", {});
    expect(await empty.text()).toBe("{}");
    await post("pipeline.v1.PipelineService/CreatePipeline", { pipeline: { name: "a", contents: "// x\n" } });
    const list = (await (await post("pipeline.v1.PipelineService/ListPipelines", {})).json()) as {
      pipelines: Record<string, unknown>[];
    };
    expect(Object.keys(list.pipelines[0]!).sort()).toEqual(["contents", "createdAt", "id", "name", "updatedAt"]);
  });

  it("works without the Connect-Protocol-Version header and with it", async () => {
    const res = await post("pipeline.v1.PipelineService/ListPipelines", {}, { "connect-protocol-version": "1" });
    expect(res.status).toBe(200);
  });

  it("answers malformed JSON with invalid_argument and an unknown method with 404", async () => {
    const bad = await post("pipeline.v1.PipelineService/ListPipelines", "{not json");
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { code: string }).code).toBe("invalid_argument");
    const unknown = await post("pipeline.v1.PipelineService/NoSuchMethod", {});
    expect(unknown.status).toBe(404);
    const internal = await post("pipeline.v1.PipelineService/CreateAlloyPipelines", {});
    expect(internal.status).toBe(501);
    expect(((await internal.json()) as { code: string }).code).toBe("unimplemented");
  });
});

describe("HTTP/2 (h2c) on the same port", () => {
  it("serves the binary client over HTTP/2 and HTTP/1.1 alike", async () => {
    const h2 = binaryDriver(emulator.url, "2");
    const created = ok(await h2.call("pipeline", "UpsertPipeline", { pipeline: { name: "h2", contents: "// x\n" } }));
    const h1 = binaryDriver(emulator.url, "1.1");
    expect(ok(await h1.call("pipeline", "GetPipeline", { id: created.id })).name).toBe("h2");
    expect((await h2.call("pipeline", "GetPipeline", { id: "999" })).code).toBe("not_found");
    const versions = emulator.requests().map((r) => r.httpVersion);
    expect(versions).toEqual(["2", "1.1", "2"]);
  });

  it("serves JSON over HTTP/2 and collectors over both", async () => {
    const transport = createConnectTransport({ baseUrl: emulator.url, httpVersion: "2", useBinaryFormat: false });
    const collectors = createClient(CollectorService, transport);
    await collectors.createCollector({ collector: { id: "c1", remoteAttributes: { env: "prod" } } });
    const pipelines = createClient(PipelineService, transport);
    await pipelines.createPipeline({ pipeline: { name: "p", contents: "// x\n", configType: ConfigType.ALLOY } });
    const listed = await collectors.listCollectors({ matchers: ["env=prod"] });
    expect(listed.collectors.map((c) => c.id)).toEqual(["c1"]);
    expect(emulator.requests().every((r) => r.httpVersion === "2" && r.format === "json")).toBe(true);
  });
});

describe("tenant.v1.TenantService/GetLimits", () => {
  it("answers flat camelCase JSON built from the options", async () => {
    const res = await post("tenant.v1.TenantService/GetLimits", {});
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ pipelines: 50, collectors: 10, requestsPerSecondApi: 1000 });
    expect(emulator.requests().at(-1)).toMatchObject({ service: "tenant.v1.TenantService", method: "GetLimits", code: "ok" });
  });

  it("omits what is unlimited and takes overrides", async () => {
    const other = await startEmulator({ pipelineLimit: Infinity, limits: { collectors: 1000, requestsPerSecondCollector: 20 } });
    try {
      const res = await fetch(`${other.url}/tenant.v1.TenantService/GetLimits`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: "{}",
      });
      expect(await res.json()).toEqual({ collectors: 1000, requestsPerSecondCollector: 20 });
    } finally {
      await other.stop();
    }
  });

  it("refuses binary requests, whose schema is not published", async () => {
    const res = await fetch(`${emulator.url}/tenant.v1.TenantService/GetLimits`, {
      method: "POST",
      headers: { "content-type": "application/proto" },
      body: new Uint8Array(),
    });
    expect(res.status).toBe(415);
  });
});

describe("limits on collectors", () => {
  it("fails a create past the collector limit with resource_exhausted", async () => {
    emulator.seed({ collectors: Array.from({ length: 10 }, (_, i) => ({ id: `c${i}` })) });
    const client = createClient(CollectorService, createConnectTransport({ baseUrl: emulator.url, httpVersion: "1.1" }));
    const error = await client.createCollector({ collector: { id: "one-more" } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectError);
    expect(codeNameOf(error)).toBe("resource_exhausted");
  });
});
