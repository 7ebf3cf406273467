// The collector agent RPCs (GetConfig, RegisterCollector,
// UnregisterCollector), through a binary Connect client that sends GetConfig
// as a Connect GET, and through a GET built by hand the way Alloy sends it.
import { createHash } from "node:crypto";
import { create, fromBinary, toBinary, type MessageInitShape } from "@bufbuild/protobuf";
import { createClient, ConnectError, Code } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  CollectorService,
  CollectorType,
  GetConfigRequestSchema,
  GetConfigResponseSchema,
  RegisterCollectorRequestSchema,
  RemoteConfigStatuses,
} from "../../gen/collector/v1/collector_pb.js";
import { ConfigType, PipelineSchema, PipelineService, type Pipeline } from "../../gen/pipeline/v1/pipeline_pb.js";
import { createFleetClient } from "../../src/index.js";
import { EmulatorStore, startEmulator, type Emulator } from "../../src/emulator/index.js";

const sha256 = (text: string) => createHash("sha256").update(text, "utf8").digest("hex");
const EMPTY_HASH = sha256("");

let emulator: Emulator;
let pipelines: ReturnType<typeof createClient<typeof PipelineService>>;
let collectors: ReturnType<typeof createClient<typeof CollectorService>>;

beforeAll(async () => {
  emulator = await startEmulator();
  const transport = createConnectTransport({
    baseUrl: emulator.url,
    httpVersion: "1.1",
    useBinaryFormat: true,
    // GetConfig goes out as a Connect GET, as it does from Alloy.
    useHttpGet: true,
  });
  pipelines = createClient(PipelineService, transport);
  collectors = createClient(CollectorService, transport);
});
afterAll(async () => {
  await emulator.stop();
});
beforeEach(() => {
  emulator.reset();
});

type PipelineInit = MessageInitShape<typeof PipelineSchema>;

async function addPipeline(name: string, contents: string, matchers: string[], extra: Partial<PipelineInit> = {}): Promise<Pipeline> {
  return pipelines.createPipeline({ pipeline: { name, contents, matchers, enabled: true, ...extra } });
}

/** What the emulator documents: each pipeline under a comment naming it, sorted by name, blank line between. */
function expectedContent(parts: Array<[string, string]>, comment = "//"): string {
  return parts.map(([name, contents]) => `${comment} pipeline: ${JSON.stringify(name)}\n${contents}\n`).join("\n");
}

function codeOf(error: unknown): Code {
  return ConnectError.from(error).code;
}

describe("RegisterCollector", () => {
  it("creates an enabled Alloy collector with its name and local attributes, the deprecated map read as an alias", async () => {
    await collectors.registerCollector({
      id: "alloy-1",
      name: "host one",
      attributes: { team: "old", region: "eu" },
      localAttributes: { team: "infra", "collector.os": "linux" },
    });
    const stored = await collectors.getCollector({ id: "alloy-1" });
    expect(stored.name).toBe("host one");
    expect(stored.localAttributes).toEqual({ team: "infra", region: "eu", "collector.os": "linux" });
    expect(stored.enabled).toBe(true);
    expect(stored.collectorType).toBe(CollectorType.ALLOY);
    expect(stored.createdAt).toBeDefined();
  });

  it("updates name and local attributes on a later registration, keeping remote attributes and createdAt", async () => {
    await collectors.registerCollector({ id: "alloy-1", name: "a", localAttributes: { env: "dev", old: "x" } });
    const first = await collectors.getCollector({ id: "alloy-1" });
    await collectors.updateCollector({ collector: { ...first, remoteAttributes: { team: "sre" } } });
    await collectors.registerCollector({ id: "alloy-1", name: "b", localAttributes: { env: "prod" } });
    const again = await collectors.getCollector({ id: "alloy-1" });
    expect(again.name).toBe("b");
    expect(again.localAttributes).toEqual({ env: "prod" });
    expect(again.remoteAttributes).toEqual({ team: "sre" });
    expect(again.createdAt).toEqual(first.createdAt);
    expect((await collectors.listCollectors({})).collectors.map((c) => c.id)).toEqual(["alloy-1"]);
  });

  it("rejects an empty id", async () => {
    await expect(collectors.registerCollector({ id: "" })).rejects.toSatisfy((e) => codeOf(e) === Code.InvalidArgument);
  });
});

describe("GetConfig", () => {
  it("sends the enabled Alloy pipelines whose matchers all match, sorted by name, with a sha256 hash", async () => {
    await addPipeline("b-prod", 'prometheus.exporter.unix "b" { }', ["env=prod"]);
    await addPipeline("a-prod", 'logging { level = "info" }', ['env=~"prod|stage"', "team!=web"]);
    await addPipeline("dev", 'prometheus.exporter.self "d" { }', ["env=dev"]);
    await collectors.registerCollector({ id: "alloy-1", localAttributes: { env: "prod" } });

    const prod = await collectors.getConfig({ id: "alloy-1", localAttributes: { env: "prod" } });
    const content = expectedContent([
      ["a-prod", 'logging { level = "info" }'],
      ["b-prod", 'prometheus.exporter.unix "b" { }'],
    ]);
    expect(prod.content).toBe(content);
    expect(prod.hash).toBe(sha256(content));
    expect(prod.notModified).toBe(false);

    const dev = await collectors.getConfig({ id: "alloy-1", localAttributes: { env: "dev" } });
    expect(dev.content).toBe(expectedContent([["dev", 'prometheus.exporter.self "d" { }']]));

    const nothing = await collectors.getConfig({ id: "alloy-1", localAttributes: { env: "prod", team: "web", x: "1" } });
    expect(nothing.content).toBe(expectedContent([["b-prod", 'prometheus.exporter.unix "b" { }']]));
  });

  it("uses the stored local attributes when the request has none, and the deprecated map as an alias", async () => {
    await addPipeline("prod", "// p", ["env=prod"]);
    await addPipeline("eu", "// e", ["region=eu"]);
    await collectors.registerCollector({ id: "alloy-1", localAttributes: { env: "prod" } });
    expect((await collectors.getConfig({ id: "alloy-1" })).content).toBe(expectedContent([["prod", "// p"]]));
    expect((await collectors.getConfig({ id: "alloy-1", attributes: { region: "eu" } })).content).toBe(
      expectedContent([["eu", "// e"]]),
    );
  });

  it("lets remote attributes override local ones", async () => {
    await addPipeline("prod", "// p", ["env=prod"]);
    await addPipeline("dev", "// d", ["env=dev"]);
    await collectors.registerCollector({ id: "alloy-1", localAttributes: { env: "prod" } });
    const stored = await collectors.getCollector({ id: "alloy-1" });
    await collectors.updateCollector({ collector: { ...stored, remoteAttributes: { env: "dev" } } });
    const answer = await collectors.getConfig({ id: "alloy-1", localAttributes: { env: "prod" } });
    expect(answer.content).toBe(expectedContent([["dev", "// d"]]));
  });

  it("matches on the virtual collector.ID, for registered and unknown ids alike, and registers nobody", async () => {
    await addPipeline("only-one", "// x", ["collector.ID=alloy-1"]);
    await collectors.registerCollector({ id: "alloy-1" });
    expect((await collectors.getConfig({ id: "alloy-1" })).content).toBe(expectedContent([["only-one", "// x"]]));
    // A spoofed local collector.ID does not win over the real id.
    expect((await collectors.getConfig({ id: "alloy-2", localAttributes: { "collector.ID": "alloy-1" } })).content).toBe("");
    await addPipeline("by-attr", "// y", ["env=prod"]);
    expect((await collectors.getConfig({ id: "never-registered", localAttributes: { env: "prod" } })).content).toBe(
      expectedContent([["by-attr", "// y"]]),
    );
    expect((await collectors.listCollectors({})).collectors.map((c) => c.id)).toEqual(["alloy-1"]);
  });

  it("sends a disabled collector empty content", async () => {
    await addPipeline("all", "// x", ["env=prod"]);
    await collectors.registerCollector({ id: "alloy-1", localAttributes: { env: "prod" } });
    const stored = await collectors.getCollector({ id: "alloy-1" });
    await collectors.updateCollector({ collector: { ...stored, enabled: false } });
    const answer = await collectors.getConfig({ id: "alloy-1", localAttributes: { env: "prod" } });
    expect(answer).toMatchObject({ content: "", hash: EMPTY_HASH, notModified: false });
  });

  it("leaves out disabled pipelines, pipelines without enabled, and OpenTelemetry pipelines; UNSPECIFIED counts as Alloy", async () => {
    await addPipeline("on", "// a", ["env=prod"]);
    await addPipeline("off", "// b", ["env=prod"], { enabled: false });
    await pipelines.createPipeline({ pipeline: { name: "unset", contents: "// c", matchers: ["env=prod"] } });
    await addPipeline("otel", "receivers: {}", ["env=prod"], { configType: ConfigType.OTEL });
    await addPipeline("unspecified", "// u", ["env=prod"], { configType: ConfigType.UNSPECIFIED });
    await collectors.registerCollector({ id: "alloy-1", localAttributes: { env: "prod" } });
    const answer = await collectors.getConfig({ id: "alloy-1" });
    expect(answer.content).toBe(
      expectedContent([
        ["on", "// a"],
        ["unspecified", "// u"],
      ]),
    );
  });

  it("sends an OpenTelemetry collector only the OpenTelemetry pipelines, under # comments", async () => {
    await addPipeline("alloy", "// a", ["env=prod"]);
    await addPipeline("otel", "receivers: {}\n", ["env=prod"], { configType: ConfigType.OTEL });
    await collectors.createCollector({
      collector: { id: "otel-1", collectorType: CollectorType.OTEL, enabled: true, remoteAttributes: { env: "prod" } },
    });
    expect((await collectors.getConfig({ id: "otel-1" })).content).toBe(expectedContent([["otel", "receivers: {}"]], "#"));
  });

  it("answers not_modified with empty content while the hash is current, and new content after an upsert", async () => {
    await addPipeline("prod", "// one", ["env=prod"]);
    await collectors.registerCollector({ id: "alloy-1", localAttributes: { env: "prod" } });
    const first = await collectors.getConfig({ id: "alloy-1" });
    const same = await collectors.getConfig({
      id: "alloy-1",
      hash: first.hash,
      remoteConfigStatus: { status: RemoteConfigStatuses.RemoteConfigStatuses_APPLIED },
    });
    expect(same).toMatchObject({ notModified: true, content: "", hash: first.hash });

    await pipelines.upsertPipeline({ pipeline: { name: "prod", contents: "// two", matchers: ["env=prod"], enabled: true } });
    const changed = await collectors.getConfig({ id: "alloy-1", hash: first.hash });
    expect(changed.notModified).toBe(false);
    expect(changed.content).toBe(expectedContent([["prod", "// two"]]));
    expect(changed.hash).toBe(sha256(changed.content));
    expect(changed.hash).not.toBe(first.hash);
    // A stale or foreign hash always gets the content.
    expect((await collectors.getConfig({ id: "alloy-1", hash: "abc" })).content).toBe(changed.content);
  });

  it("rejects an empty id", async () => {
    await expect(collectors.getConfig({ id: "" })).rejects.toSatisfy((e) => codeOf(e) === Code.InvalidArgument);
  });

  it("honours the emptyMatchers option for pipelines without matchers", () => {
    for (const [mode, expected] of [
      ["none", ""],
      ["all", expectedContent([["everyone", "// x"]])],
    ] as const) {
      const store = new EmulatorStore({ emptyMatchers: mode });
      store.createPipeline(create(PipelineSchema, { name: "everyone", contents: "// x", enabled: true }));
      expect(store.getConfig({ id: "c", localAttributes: {}, hash: "" }).content).toBe(expected);
    }
  });
});

describe("UnregisterCollector", () => {
  it("marks the collector inactive, keeps it, and a new registration clears the mark", async () => {
    await collectors.registerCollector({ id: "alloy-1", localAttributes: { env: "prod" } });
    await collectors.unregisterCollector({ id: "alloy-1" });
    const inactive = await collectors.getCollector({ id: "alloy-1" });
    expect(inactive.markedInactiveAt).toBeDefined();
    expect(inactive.localAttributes).toEqual({ env: "prod" });
    await collectors.registerCollector({ id: "alloy-1", localAttributes: { env: "prod" } });
    expect((await collectors.getCollector({ id: "alloy-1" })).markedInactiveAt).toBeUndefined();
  });

  it("answers not_found for an unknown id", async () => {
    await expect(collectors.unregisterCollector({ id: "nobody" })).rejects.toSatisfy((e) => codeOf(e) === Code.NotFound);
  });
});

describe("GET requests built by hand, as Alloy sends them", () => {
  let secured: Emulator;
  const auth = { user: "123", token: "glc_secret" };
  const basic = `Basic ${Buffer.from(`${auth.user}:${auth.token}`).toString("base64")}`;

  beforeAll(async () => {
    secured = await startEmulator({ auth });
  });
  afterAll(async () => {
    await secured.stop();
  });

  function getUrl(method: string, message: Uint8Array): string {
    const query = new URLSearchParams({
      connect: "v1",
      encoding: "proto",
      base64: "1",
      message: Buffer.from(message).toString("base64url"),
    });
    return `${secured.url}/collector.v1.CollectorService/${method}?${query.toString()}`;
  }

  const getConfigMessage = (init: MessageInitShape<typeof GetConfigRequestSchema>) =>
    toBinary(GetConfigRequestSchema, create(GetConfigRequestSchema, init));

  it("answers GetConfig over GET with binary proto, behind auth, and logs it as a binary call", async () => {
    const setup = createClient(
      CollectorService,
      createConnectTransport({
        baseUrl: secured.url,
        httpVersion: "1.1",
        interceptors: [(next) => (req) => (req.header.set("authorization", basic), next(req))],
      }),
    );
    await setup.registerCollector({ id: "alloy-1", localAttributes: { env: "prod" } });
    const setupPipelines = createClient(
      PipelineService,
      createConnectTransport({
        baseUrl: secured.url,
        httpVersion: "1.1",
        interceptors: [(next) => (req) => (req.header.set("authorization", basic), next(req))],
      }),
    );
    await setupPipelines.createPipeline({ pipeline: { name: "prod", contents: "// p", matchers: ["env=prod"], enabled: true } });

    const url = getUrl("GetConfig", getConfigMessage({ id: "alloy-1", localAttributes: { env: "prod" } }));
    const res = await fetch(url, { headers: { authorization: basic, "user-agent": "Alloy/v1.9.0" } });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/proto");
    const answer = fromBinary(GetConfigResponseSchema, new Uint8Array(await res.arrayBuffer()));
    expect(answer.content).toBe(expectedContent([["prod", "// p"]]));
    expect(answer.hash).toBe(sha256(answer.content));

    const again = await fetch(getUrl("GetConfig", getConfigMessage({ id: "alloy-1", hash: answer.hash })), {
      headers: { authorization: basic },
    });
    const second = fromBinary(GetConfigResponseSchema, new Uint8Array(await again.arrayBuffer()));
    expect(second).toMatchObject({ notModified: true, content: "" });

    const logged = secured.requests().filter((r) => r.method === "GetConfig");
    expect(logged.map((r) => [r.format, r.code, r.status])).toEqual([
      ["binary", "ok", 200],
      ["binary", "ok", 200],
    ]);
  });

  it("still requires credentials on GET", async () => {
    const res = await fetch(getUrl("GetConfig", getConfigMessage({ id: "alloy-1" })));
    expect(res.status).toBe(401);
    expect(((await res.json()) as { code: string }).code).toBe("unauthenticated");
  });

  it("refuses GET for every other method, which stays POST only", async () => {
    const message = toBinary(RegisterCollectorRequestSchema, create(RegisterCollectorRequestSchema, { id: "alloy-9" }));
    for (const method of ["RegisterCollector", "UnregisterCollector", "ListCollectors"]) {
      const res = await fetch(getUrl(method, message), { headers: { authorization: basic } });
      expect(res.status, method).toBe(405);
      await res.arrayBuffer();
    }
    expect(secured.state().collectors.map((c) => c.id)).not.toContain("alloy-9");
  });
});

describe("the SDK client", () => {
  it("calls GetConfig and RegisterCollector through createFleetClient", async () => {
    const client = createFleetClient({ baseUrl: emulator.url, rateLimit: false, retry: false });
    await addPipeline("prod", "// p", ["env=prod"]);
    await client.collectors.registerCollector({ id: "alloy-1", localAttributes: { env: "prod" } });
    const answer = await client.collectors.getConfig({ id: "alloy-1" });
    expect(answer.content).toBe(expectedContent([["prod", "// p"]]));
    expect(answer.hash).toBe(sha256(answer.content));
  });
});
