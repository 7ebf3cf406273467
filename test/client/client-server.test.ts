// The client against a real connect-node server on 127.0.0.1, in every
// combination of JSON / binary and HTTP/1.1 / h2c.
import { create } from "@bufbuild/protobuf";
import { Code, ConnectError, type HandlerContext } from "@connectrpc/connect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PipelineSchema, PipelineService, type Pipeline } from "../../gen/pipeline/v1/pipeline_pb.js";
import { ConfigType, PipelineSource_SourceType } from "../../gen/pipeline/v1/pipeline_pb.js";
import { createFleetClient, type FleetClientOptions } from "../../src/client/index.js";
import { VERSION } from "../../src/version.js";
import { startServer, type TestServer } from "./helpers/server.js";

const stored: Pipeline = create(PipelineSchema, {
  id: "1",
  name: "node_metrics",
  contents: 'prometheus.exporter.unix "default" { }',
  matchers: ['collector.os="linux"'],
  enabled: true,
  configType: ConfigType.ALLOY,
  source: { type: PipelineSource_SourceType.GIT, namespace: "repo" },
});

interface Seen {
  authorization: string | null;
  userAgent: string | null;
  timeoutHeader: string | null;
  contentType: string | null;
}

function waitUntilAborted(ctx: HandlerContext, maxMs: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, maxMs);
    ctx.signal.addEventListener("abort", () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

const matrix = [
  { httpVersion: "1.1", useBinaryFormat: false },
  { httpVersion: "1.1", useBinaryFormat: true },
  { httpVersion: "2", useBinaryFormat: false },
  { httpVersion: "2", useBinaryFormat: true },
] as const;

describe.each(matrix)("over HTTP/$httpVersion, binary=$useBinaryFormat", ({ httpVersion, useBinaryFormat }) => {
  let server: TestServer;
  const seen: Seen[] = [];
  let slowStarted: () => void = () => {};
  let upsertCalls = 0;

  beforeAll(async () => {
    server = await startServer({
      httpVersion,
      routes: (router) =>
        router.service(PipelineService, {
          listPipelines(_req, ctx) {
            seen.push({
              authorization: ctx.requestHeader.get("authorization"),
              userAgent: ctx.requestHeader.get("user-agent"),
              timeoutHeader: ctx.requestHeader.get("connect-timeout-ms"),
              contentType: ctx.requestHeader.get("content-type"),
            });
            return { pipelines: [stored] };
          },
          getPipeline(req) {
            if (req.id === stored.id) return stored;
            throw new ConnectError(`pipeline ${req.id} not found`, Code.NotFound);
          },
          createPipeline(req) {
            if (req.pipeline?.name === stored.name) throw new ConnectError("name taken", Code.AlreadyExists);
            return { name: req.pipeline?.name ?? "", contents: req.pipeline?.contents ?? "", id: "2" };
          },
          async upsertPipeline(req, ctx) {
            upsertCalls++;
            slowStarted();
            await waitUntilAborted(ctx, 5_000);
            return req.pipeline ?? {};
          },
        }),
      raw: {
        match: /^\/tenant\.v1\.TenantService\/GetLimits$/,
        handle(req, res, body) {
          res.setHeader("content-type", "application/json");
          const ok = req.method === "POST" && body.toString() === "{}" && /^application\/json/.test(String(req.headers["content-type"]));
          res.statusCode = ok ? 200 : 400;
          res.end(ok ? JSON.stringify({ pipelines: 200, collectors: "1000", requestsPerSecondApi: 3 }) : "{}");
          return true;
        },
      },
    });
  });
  afterAll(() => server.close());

  function client(extra: Partial<FleetClientOptions> = {}) {
    return createFleetClient({
      baseUrl: `${server.url}/pipeline.v1.PipelineService/`,
      auth: { user: "12345", token: "glc_token" },
      httpVersion,
      useBinaryFormat,
      rateLimit: false,
      userAgent: "tests/1",
      ...extra,
    });
  }

  it("makes typed calls and sends auth, user agent, content type and the deadline", async () => {
    const c = client();
    expect(c.baseUrl).toBe(server.url);
    const list = await c.pipelines.listPipelines({});
    expect(list.pipelines).toHaveLength(1);
    expect(list.pipelines[0]?.name).toBe("node_metrics");
    expect(list.pipelines[0]?.configType).toBe(ConfigType.ALLOY);
    expect(list.pipelines[0]?.source?.type).toBe(PipelineSource_SourceType.GIT);
    const created = await c.pipelines.createPipeline({ pipeline: { name: "other", contents: "x" } });
    expect(created.id).toBe("2");

    const last = seen.at(-1);
    expect(last?.authorization).toBe(`Basic ${Buffer.from("12345:glc_token").toString("base64")}`);
    expect(last?.userAgent).toBe(`fleet-pipelines/${VERSION} tests/1`);
    expect(last?.contentType).toBe(useBinaryFormat ? "application/proto" : "application/json");
    // Default timeoutMs is 30 s; the server is told what is left.
    expect(Number(last?.timeoutHeader)).toBeGreaterThan(25_000);
    expect(Number(last?.timeoutHeader)).toBeLessThanOrEqual(30_000);
  });

  it("timeoutMs: 0 means no deadline (no Connect-Timeout-Ms)", async () => {
    await client({ timeoutMs: 0 }).pipelines.listPipelines({});
    expect(seen.at(-1)?.timeoutHeader).toBeNull();
    await client().pipelines.listPipelines({}, { timeoutMs: 0 });
    expect(seen.at(-1)?.timeoutHeader).toBeNull();
  });

  it("sends a bearer token when given one", async () => {
    await client({ auth: { bearerToken: "abc.def" } }).pipelines.listPipelines({});
    expect(seen.at(-1)?.authorization).toBe("Bearer abc.def");
  });

  it("keeps the server's error codes", async () => {
    const c = client();
    const notFound = await c.pipelines.getPipeline({ id: "99" }).catch((e: unknown) => e);
    expect(notFound).toBeInstanceOf(ConnectError);
    expect((notFound as ConnectError).code).toBe(Code.NotFound);
    expect((notFound as ConnectError).rawMessage).toBe("pipeline 99 not found");
    const taken = await c.pipelines.createPipeline({ pipeline: { name: "node_metrics", contents: "x" } }).catch((e: unknown) => e);
    expect((taken as ConnectError).code).toBe(Code.AlreadyExists);
  });

  it("gives DeadlineExceeded when the call outlives timeoutMs (per call)", async () => {
    const before = upsertCalls;
    const err = await client()
      .pipelines.upsertPipeline({ pipeline: { name: "slow", contents: "x" } }, { timeoutMs: 150 })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectError);
    expect((err as ConnectError).code).toBe(Code.DeadlineExceeded);
    expect(upsertCalls).toBeGreaterThan(before);
  });

  it("gives DeadlineExceeded from the client-wide timeoutMs too", async () => {
    const err = await client({ timeoutMs: 150 })
      .pipelines.upsertPipeline({ pipeline: { name: "slow", contents: "x" } })
      .catch((e: unknown) => e);
    expect((err as ConnectError).code).toBe(Code.DeadlineExceeded);
  });

  it("gives Canceled when the caller aborts, and does not retry", async () => {
    const before = upsertCalls;
    const started = new Promise<void>((resolve) => (slowStarted = resolve));
    const controller = new AbortController();
    const pending = client().pipelines.upsertPipeline({ pipeline: { name: "slow", contents: "x" } }, { signal: controller.signal });
    await started;
    controller.abort();
    const err = await pending.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectError);
    expect((err as ConnectError).code).toBe(Code.Canceled);
    expect(upsertCalls).toBe(before + 1);
  });

  it("reads the tenant limits with a JSON POST of {}", async () => {
    const limits = await client().getLimits();
    expect(limits).toEqual({
      pipelines: 200,
      collectors: 1000,
      requestsPerSecond: { api: 3 },
      raw: { pipelines: 200, collectors: "1000", requestsPerSecondApi: 3 },
    });
  });
});
