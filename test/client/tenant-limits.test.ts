// GetLimits: both documented shapes, string integers, absent = unlimited,
// unknown keys ignored; and its errors against a real server.
import { Code, ConnectError } from "@connectrpc/connect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFleetClient, parseTenantLimits } from "../../src/client/index.js";
import { startServer, type TestServer } from "./helpers/server.js";

describe("parseTenantLimits", () => {
  it.each([
    [
      "flat snake_case (gcx)",
      { collectors: 1000, pipelines: 200, requests_per_second_collector: 20, requests_per_second_api: 3 },
      { collectors: 1000, pipelines: 200, requestsPerSecond: { collector: 20, api: 3 } },
    ],
    [
      "flat camelCase (emulator)",
      { pipelines: 50, collectors: 10, requestsPerSecondApi: 3, requestsPerSecondCollector: 20 },
      { pipelines: 50, collectors: 10, requestsPerSecond: { api: 3, collector: 20 } },
    ],
    [
      "nested RequestLimits",
      { collectors: "1000", pipelines: "200", requestLimits: { collector: "20", api: "3" } },
      { collectors: 1000, pipelines: 200, requestsPerSecond: { collector: 20, api: 3 } },
    ],
    ["nested snake_case", { request_limits: { api: 2.5 } }, { requestsPerSecond: { api: 2.5 } }],
    ["64-bit integers as strings", { pipelines: "200", requests_per_second_api: "3" }, { pipelines: 200, requestsPerSecond: { api: 3 } }],
    ["empty = no limits", {}, {}],
    ["only some limits", { pipelines: 7 }, { pipelines: 7 }],
    [
      "unknown keys ignored",
      { pipelines: 1, futureLimit: 9, summary: { collectors: 5 }, requestLimits: { api: 3, burst: 9 } },
      { pipelines: 1, requestsPerSecond: { api: 3 } },
    ],
    ["unusable values count as absent", { pipelines: "lots", collectors: -1, requestLimits: { api: null } }, {}],
    ["zero is a limit", { pipelines: 0 }, { pipelines: 0 }],
  ])("%s", (_name, raw, expected) => {
    expect(parseTenantLimits(raw)).toEqual({ ...expected, raw });
  });
});

describe("getLimits against a server", () => {
  let server: TestServer;
  let reply: { status: number; body: string; contentType?: string } = { status: 200, body: "{}" };
  let calls = 0;

  beforeAll(async () => {
    server = await startServer({
      httpVersion: "1.1",
      raw: {
        match: /^\/tenant\.v1\.TenantService\/GetLimits$/,
        handle(_req, res) {
          calls++;
          if (reply.status === 0) return true; // never answer
          res.statusCode = reply.status;
          res.setHeader("content-type", reply.contentType ?? "application/json");
          res.end(reply.body);
          return true;
        },
      },
    });
  });
  afterAll(() => server.close());

  const client = () =>
    createFleetClient({ baseUrl: `${server.url}/tenant.v1.TenantService/`, auth: { user: "1", token: "tok-123" }, rateLimit: false });

  it("reads a response, ignoring fields it does not know", async () => {
    reply = { status: 200, body: JSON.stringify({ pipelines: "200", collectors: 5, newThing: { a: [1, 2] } }) };
    const limits = await client().getLimits();
    expect(limits.pipelines).toBe(200);
    expect(limits.collectors).toBe(5);
    expect(limits.requestsPerSecond).toBeUndefined();
    expect(limits.raw).toEqual({ pipelines: "200", collectors: 5, newThing: { a: [1, 2] } });
  });

  it("an empty object means no limits", async () => {
    reply = { status: 200, body: "{}" };
    expect(await client().getLimits()).toEqual({ raw: {} });
  });

  it("a Connect error keeps its code and gets the auth hint", async () => {
    reply = { status: 401, body: JSON.stringify({ code: "unauthenticated", message: "invalid token" }) };
    calls = 0;
    const err = (await client().getLimits().catch((e: unknown) => e)) as ConnectError;
    expect(err).toBeInstanceOf(ConnectError);
    expect(err.code).toBe(Code.Unauthenticated);
    expect(err.rawMessage).toContain("tenant.v1.TenantService/GetLimits");
    expect(err.rawMessage).toContain("invalid token");
    expect(calls).toBe(1);
  });

  it("a server without the tenant service gives Unimplemented", async () => {
    reply = { status: 404, body: "404 page not found", contentType: "text/plain" };
    const err = (await client().getLimits().catch((e: unknown) => e)) as ConnectError;
    expect(err.code).toBe(Code.Unimplemented);
  });

  it("a body that is not a JSON object is an error, not empty limits", async () => {
    reply = { status: 200, body: "[1,2]" };
    const err = (await client().getLimits().catch((e: unknown) => e)) as ConnectError;
    expect(err).toBeInstanceOf(ConnectError);
  });

  it("honours the caller's signal", async () => {
    reply = { status: 200, body: "{}" };
    const err = (await client()
      .getLimits({ signal: AbortSignal.abort() })
      .catch((e: unknown) => e)) as ConnectError;
    expect(err.code).toBe(Code.Canceled);
  });

  it("honours a per-call timeoutMs", async () => {
    reply = { status: 0, body: "" };
    const err = (await client()
      .getLimits({ timeoutMs: 100 })
      .catch((e: unknown) => e)) as ConnectError;
    expect(err.code).toBe(Code.DeadlineExceeded);
  });
});
