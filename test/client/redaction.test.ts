// A canary token must never show up in anything a failure produces: the
// thrown value (message, String, util.inspect, metadata, details, cause) and
// every log line, on every failure path, even when a server echoes it back.
import * as util from "node:util";
import { create, toBinary } from "@bufbuild/protobuf";
import { StringValueSchema } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-web";
import { http, HttpResponse } from "msw";
import { setupServer } from "msw/node";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { PipelineService } from "../../gen/pipeline/v1/pipeline_pb.js";
import { createFleetClient, type FleetClientOptions } from "../../src/client/index.js";
import { fakeClock, recordingLogger } from "./helpers/fakes.js";
import { startServer, type TestServer } from "./helpers/server.js";

const user = "424242";
const token = "canary-SECRET-7f3a9c1d";
const basic = Buffer.from(`${user}:${token}`).toString("base64");
const secrets = [token, basic];

function texts(value: unknown): string[] {
  const out = [String(value), util.inspect(value, { depth: 12, showHidden: true })];
  try {
    out.push(JSON.stringify(value));
  } catch {
    // circular: inspect covers it
  }
  if (value instanceof Error) {
    out.push(value.message, value.stack ?? "", util.inspect(value.cause, { depth: 12 }));
  }
  if (value instanceof ConnectError) {
    out.push(JSON.stringify([...value.metadata.entries()]), JSON.stringify(value.details), value.rawMessage);
  }
  return out;
}

function expectClean(what: unknown): void {
  for (const text of texts(what)) {
    for (const secret of secrets) expect(text).not.toContain(secret);
  }
}

let server: TestServer;
let closedUrl: string;
const gatewayBase = "https://fleet-management-prod-009.grafana.net";
const msw = setupServer(
  http.post(`${gatewayBase}/pipeline.v1.PipelineService/ListPipelines`, ({ request }) =>
    new HttpResponse(`<html>bad gateway for ${request.headers.get("authorization") ?? ""} ${token}</html>`, {
      status: 502,
      headers: { "content-type": "text/html", "x-echo": token },
    }),
  ),
  http.post(`${gatewayBase}/pipeline.v1.PipelineService/GetPipeline`, () =>
    new HttpResponse(`<html>401 ${token}</html>`, { status: 401, headers: { "content-type": "text/html" } }),
  ),
);

beforeAll(async () => {
  msw.listen({ onUnhandledRequest: "bypass" });
  server = await startServer({
    httpVersion: "1.1",
    routes: (router) =>
      router.service(PipelineService, {
        listPipelines(_req, ctx) {
          // A careless server that echoes the credentials back.
          const header = ctx.requestHeader.get("authorization") ?? "";
          const decoded = Buffer.from(header.replace(/^Basic /, ""), "base64").toString();
          throw new ConnectError(`bad credentials ${header} (${decoded})`, Code.Unauthenticated, { "www-authenticate": `Basic ${decoded}` });
        },
        getPipeline() {
          throw new ConnectError(`scope missing for token ${token}`, Code.PermissionDenied);
        },
        getPipelineID(_req, ctx) {
          throw new ConnectError(`internal error ${token}`, Code.Internal, { "x-debug": ctx.requestHeader.get("authorization") ?? "" });
        },
        async upsertPipeline(_req, ctx) {
          await new Promise<void>((resolve) => ctx.signal.addEventListener("abort", () => resolve()));
          return {};
        },
      }),
  });
  const gone = await startServer({ httpVersion: "1.1" });
  closedUrl = gone.url;
  await gone.close();
});
afterAll(async () => {
  msw.close();
  await server.close();
});

const logger = recordingLogger();

function client(extra: Partial<FleetClientOptions> = {}) {
  return createFleetClient({
    baseUrl: server.url,
    auth: { user, token },
    rateLimit: false,
    logger,
    logLevel: "debug",
    clock: fakeClock(),
    ...extra,
  });
}

async function failure(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => {
      throw new Error("expected a failure");
    },
    (e: unknown) => e,
  );
}

describe("the token never leaks", () => {
  it.each([
    ["401 with the credentials echoed", () => client().pipelines.listPipelines({}), Code.Unauthenticated],
    ["403", () => client().pipelines.getPipeline({ id: "1" }), Code.PermissionDenied],
    ["500 echoing the token and the header", () => client().pipelines.getPipelineID({ name: "a" }), Code.Internal],
    ["timeout", () => client({ timeoutMs: 100 }).pipelines.upsertPipeline({}), Code.DeadlineExceeded],
    ["network refused", () => client({ baseUrl: closedUrl }).pipelines.listPipelines({}), Code.Unavailable],
    ["network refused (getLimits)", () => client({ baseUrl: closedUrl }).getLimits(), Code.Unavailable],
    [
      "gateway HTML page",
      () => client({ baseUrl: gatewayBase, transport: createConnectTransport({ baseUrl: gatewayBase }) }).pipelines.listPipelines({}),
      Code.Unavailable,
    ],
    [
      "gateway 401 page",
      () => client({ baseUrl: gatewayBase, transport: createConnectTransport({ baseUrl: gatewayBase }) }).pipelines.getPipeline({}),
      Code.Unauthenticated,
    ],
  ] as const)("%s", async (_name, call, code) => {
    logger.lines.length = 0;
    const err = await failure(call());
    expect(err).toBeInstanceOf(ConnectError);
    expect((err as ConnectError).code).toBe(code);
    expectClean(err);
    // On a timeout the caller gets the error first; the abandoned attempt's line follows a moment later.
    await vi.waitFor(() => expect(logger.lines.length).toBeGreaterThan(0));
    expectClean(logger.lines);
    expect(JSON.stringify(logger.lines)).not.toContain(token);
  });

  it("the echoed secret is replaced, the rest of the server's message kept", async () => {
    const err = (await failure(client().pipelines.getPipelineID({ name: "a" }))) as ConnectError;
    expect(err.rawMessage).toBe("internal error [REDACTED]");
    expect(err.metadata.get("x-debug")).toBe("Basic [REDACTED]");
  });

  it.each([
    ["credentials in baseUrl", { baseUrl: `https://${user}:${token}@fleet.example.com` }],
    ["unparsable baseUrl", { baseUrl: `fleet ${token}` }],
    ["token with a line break", { auth: { user, token: `${token}\n` } }],
    ["user with a colon", { auth: { user: `${user}:${token}`, token } }],
    ["plain http to a remote host", { baseUrl: "http://fleet.example.com" }],
  ] as const)("bad options: %s", (_name, extra) => {
    let thrown: unknown;
    try {
      createFleetClient({ baseUrl: "https://fleet.example.com", auth: { user, token }, ...extra });
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(Error);
    expect((thrown as Error).name).toBe("ConfigurationError");
    expectClean(thrown);
  });
});

describe("a server that echoes the token everywhere an error can carry it", () => {
  // Characters that URL-encoding changes, so that the encoded form is a form of its own.
  const oddToken = "canary-token/SECRET+7f3a=9c1d&more"; // fake, shaped unlike a real token
  const oddBasic = Buffer.from(`${user}:${oddToken}`).toString("base64");
  const forms = [oddToken, oddBasic, encodeURIComponent(oddToken), Buffer.from(oddToken).toString("base64")];
  const echoBase = "https://fleet-management-prod-010.grafana.net";

  /** Every text a leak could hide in, the detail bytes decoded included. */
  function allTexts(value: unknown): string {
    const parts = texts(value);
    if (value instanceof ConnectError) {
      for (const detail of value.details) {
        if ("type" in detail) {
          parts.push(Buffer.from(detail.value).toString("utf8"), JSON.stringify(detail.debug ?? null));
        }
      }
    }
    return parts.join("\n");
  }

  function expectNoForm(value: unknown): void {
    const text = allTexts(value);
    for (const form of forms) expect(text).not.toContain(form);
  }

  const echo = setupServer(
    http.post(`${echoBase}/pipeline.v1.PipelineService/ListPipelines`, ({ request }) => {
      const header = request.headers.get("authorization") ?? "";
      const detail = toBinary(StringValueSchema, create(StringValueSchema, { value: `token=${oddToken}` }));
      return HttpResponse.json(
        {
          code: "invalid_argument",
          message: `bad request from ${header} with ${oddToken} (${encodeURIComponent(oddToken)})`,
          details: [
            {
              type: "google.protobuf.StringValue",
              value: Buffer.from(detail).toString("base64").replace(/=+$/, ""),
              debug: { value: `token=${oddToken}`, authorization: header, nested: [{ query: `?token=${encodeURIComponent(oddToken)}` }] },
            },
          ],
        },
        { status: 400, headers: { "x-echo": oddToken, "www-authenticate": header, "trailer-x-debug": `token ${encodeURIComponent(oddToken)}` } },
      );
    }),
  );
  beforeAll(() => echo.listen({ onUnhandledRequest: "bypass" }));
  afterAll(() => echo.close());

  const echoClient = (extra: Partial<FleetClientOptions> = {}) =>
    createFleetClient({
      baseUrl: echoBase,
      auth: { user, token: oddToken },
      transport: createConnectTransport({ baseUrl: echoBase }),
      rateLimit: false,
      logger,
      logLevel: "debug",
      clock: fakeClock(),
      ...extra,
    });

  it("redacts message, metadata, trailers, details' values and debug, and the log lines", async () => {
    logger.lines.length = 0;
    const err = (await failure(echoClient().pipelines.listPipelines({}))) as ConnectError;
    expect(err.code).toBe(Code.InvalidArgument);
    // The server really did echo it: the message had it, now replaced.
    expect(err.rawMessage).toContain("[REDACTED]");
    expect(err.metadata.get("x-echo")).toBe("[REDACTED]");
    expect(err.metadata.get("x-debug")).toBe("token [REDACTED]");
    expectNoForm(err);
    // The detail keeps its shape: it still decodes, the token masked byte for byte.
    const [decoded] = err.findDetails(StringValueSchema);
    expect(decoded?.value).toBe(`token=${"*".repeat(Buffer.byteLength(oddToken))}`);
    expect(JSON.stringify(logger.lines)).not.toBe("[]");
    for (const form of forms) expect(JSON.stringify(logger.lines)).not.toContain(form);
  });

  it("redacts a cause chain (a fetch failure that quotes the credentials, two levels deep)", async () => {
    logger.lines.length = 0;
    const failingFetch: typeof fetch = async (_input, init) => {
      const header = new Headers(init?.headers).get("authorization") ?? "";
      const inner = Object.assign(new Error(`proxy refused ${header}`, { cause: { header, token: oddToken } }), { code: "ECONNREFUSED" });
      throw new TypeError(`fetch failed for ${encodeURIComponent(oddToken)}`, { cause: inner });
    };
    const err = (await failure(
      echoClient({ transport: createConnectTransport({ baseUrl: echoBase, fetch: failingFetch }) }).pipelines.getPipeline({ id: "1" }),
    )) as ConnectError;
    expectNoForm(err);
    const cause = err.cause as Error & { cause?: Error & { code?: string; cause?: unknown } };
    expect(cause).toBeInstanceOf(Error);
    expect(cause.message).toBe("fetch failed for [REDACTED]");
    expect(cause.cause?.message).toBe("proxy refused Basic [REDACTED]");
    // What the retry policy reads from the chain survives the copy.
    expect(cause.cause?.code).toBe("ECONNREFUSED");
    for (const form of forms) expect(JSON.stringify(logger.lines)).not.toContain(form);
  });
});
