// What a gateway in front of the service sends: a plain 429, an HTML 502/503
// page, an HTML 401 or 404, none of them with a Connect body. msw intercepts
// fetch, so the client gets connect-web's fetch transport as `transport`
// (getLimits then uses fetch as well).
import { Code, ConnectError } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-web";
import { http, HttpResponse } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createFleetClient, type FleetClientOptions } from "../../src/client/index.js";
import { fakeClock, type FakeClock } from "./helpers/fakes.js";

const base = "https://fleet-management-prod-001.grafana.net";
const list = `${base}/pipeline.v1.PipelineService/ListPipelines`;
const createUrl = `${base}/pipeline.v1.PipelineService/CreatePipeline`;
const limitsUrl = `${base}/tenant.v1.TenantService/GetLimits`;

const html = (status: number, headers: Record<string, string> = {}) =>
  new HttpResponse(`<html><body><h1>${status}</h1>nginx</body></html>`, {
    status,
    headers: { "content-type": "text/html", ...headers },
  });

/** Answers with the given responses in order, then with `last` forever; counts requests. */
function sequence(responses: Array<() => Response>, last: () => Response) {
  const state = { count: 0 };
  const resolver = () => {
    const next = responses[state.count] ?? last;
    state.count++;
    return next();
  };
  return { state, resolver };
}

const mswServer = setupServer();
beforeAll(() => mswServer.listen({ onUnhandledRequest: "error" }));
afterEach(() => mswServer.resetHandlers());
afterAll(() => mswServer.close());

let clock: FakeClock;
beforeEach(() => {
  clock = fakeClock();
});

function client(extra: Partial<FleetClientOptions> = {}) {
  return createFleetClient({
    baseUrl: `${base}/pipeline.v1.PipelineService/`,
    auth: { user: "123", token: "glc_abc" },
    transport: createConnectTransport({ baseUrl: base, useBinaryFormat: false }),
    rateLimit: false,
    clock,
    random: () => 0.5,
    ...extra,
  });
}

const okList = () => HttpResponse.json({ pipelines: [{ name: "a", contents: "x" }] });

describe("gateway responses without a Connect body", () => {
  it("retries a plain 429 and honours its Retry-After", async () => {
    const { state, resolver } = sequence([() => new HttpResponse("Too Many Requests", { status: 429, headers: { "retry-after": "1" } })], okList);
    mswServer.use(http.post(list, resolver));
    const res = await client().pipelines.listPipelines({});
    expect(res.pipelines[0]?.name).toBe("a");
    expect(state.count).toBe(2);
    expect(clock.sleeps).toEqual([1000]);
  });

  it("retries 502 and 503 HTML pages, sending auth and user agent through the injected transport", async () => {
    const { state, resolver } = sequence([() => html(502), () => html(503)], okList);
    const headers: Array<[string | null, string | null]> = [];
    mswServer.use(
      http.post(list, ({ request }) => {
        headers.push([request.headers.get("authorization"), request.headers.get("user-agent")]);
        return resolver();
      }),
    );
    const res = await client().pipelines.listPipelines({});
    expect(headers).toHaveLength(3);
    for (const [auth, agent] of headers) {
      expect(auth).toBe(`Basic ${Buffer.from("123:glc_abc").toString("base64")}`);
      expect(agent).toMatch(/^fleet-pipelines\/\d+\.\d+\.\d+/);
    }
    expect(res.pipelines).toHaveLength(1);
    expect(state.count).toBe(3);
    expect(clock.sleeps).toEqual([125, 250]);
  });

  it("gives up after maxAttempts with Unavailable", async () => {
    const { state, resolver } = sequence([], () => html(503));
    mswServer.use(http.post(list, resolver));
    const err = await client().pipelines.listPipelines({}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectError);
    expect((err as ConnectError).code).toBe(Code.Unavailable);
    expect(state.count).toBe(4);
  });

  it("says a persistent plain 429 is rate limiting, not an outage", async () => {
    const { state, resolver } = sequence([], () => new HttpResponse("Too Many Requests", { status: 429 }));
    mswServer.use(http.post(list, resolver));
    const err = (await client().pipelines.listPipelines({}).catch((e: unknown) => e)) as ConnectError;
    expect(err.code).toBe(Code.Unavailable);
    expect(state.count).toBe(4);
    expect(err.rawMessage).toContain("rate limited (HTTP 429");
    expect(err.rawMessage).toContain("rateLimit.requestsPerSecond");
  });

  it("does not retry CreatePipeline on a 502", async () => {
    const { state, resolver } = sequence([], () => html(502));
    mswServer.use(http.post(createUrl, resolver));
    const err = await client()
      .pipelines.createPipeline({ pipeline: { name: "a", contents: "x" } })
      .catch((e: unknown) => e);
    expect((err as ConnectError).code).toBe(Code.Unavailable);
    expect(state.count).toBe(1);
  });

  it("does not retry a 401 page, and says what to check", async () => {
    const { state, resolver } = sequence([], () => html(401));
    mswServer.use(http.post(list, resolver));
    const err = (await client().pipelines.listPipelines({}).catch((e: unknown) => e)) as ConnectError;
    expect(err.code).toBe(Code.Unauthenticated);
    expect(state.count).toBe(1);
    expect(err.rawMessage).toContain("auth.user");
    expect(err.rawMessage).toContain("auth.token");
    expect(err.rawMessage).toContain("HTTP 401");
  });

  it("does not retry a 403, and names the scopes", async () => {
    const { state, resolver } = sequence([], () => HttpResponse.json({ code: "permission_denied", message: "missing scope" }, { status: 403 }));
    mswServer.use(http.post(list, resolver));
    const err = (await client().pipelines.listPipelines({}).catch((e: unknown) => e)) as ConnectError;
    expect(err.code).toBe(Code.PermissionDenied);
    expect(state.count).toBe(1);
    expect(err.rawMessage).toContain("fleet-management:read");
    expect(err.rawMessage).toContain("fleet-management:write");
    expect(err.rawMessage).toContain("missing scope");
  });

  it("turns a 404 page (wrong baseUrl) into Unimplemented with a hint about the URL", async () => {
    const { state, resolver } = sequence([], () => html(404));
    mswServer.use(http.post(list, resolver));
    const err = (await client().pipelines.listPipelines({}).catch((e: unknown) => e)) as ConnectError;
    expect(err.code).toBe(Code.Unimplemented);
    expect(state.count).toBe(1);
    expect(err.rawMessage).toContain(base);
    expect(err.rawMessage).toContain("Check baseUrl");
  });

  it("keeps metadata and details when rewriting a message", async () => {
    mswServer.use(
      http.post(list, () =>
        HttpResponse.json(
          { code: "unauthenticated", message: "bad token", details: [{ type: "google.rpc.ErrorInfo", value: "CgNmb28=" }] },
          { status: 401, headers: { "x-request-id": "req-1" } },
        ),
      ),
    );
    const err = (await client().pipelines.listPipelines({}).catch((e: unknown) => e)) as ConnectError;
    expect(err.code).toBe(Code.Unauthenticated);
    expect(err.metadata.get("x-request-id")).toBe("req-1");
    expect(err.details).toHaveLength(1);
    expect(err.rawMessage).toContain("server said: bad token");
  });

  it("getLimits goes through fetch with the same auth and retries", async () => {
    let auth: string | null = null;
    let body = "";
    const { state, resolver } = sequence([() => html(503)], () =>
      HttpResponse.json({ collectors: "50", pipelines: "200", requestLimits: { api: "3", collector: "20" } }),
    );
    mswServer.use(
      http.post(limitsUrl, async (info) => {
        auth = info.request.headers.get("authorization");
        body = await info.request.text();
        return resolver();
      }),
    );
    const limits = await client().getLimits();
    expect(limits.pipelines).toBe(200);
    expect(limits.collectors).toBe(50);
    expect(limits.requestsPerSecond).toEqual({ api: 3, collector: 20 });
    expect(state.count).toBe(2);
    expect(body).toBe("{}");
    expect(auth).toBe(`Basic ${Buffer.from("123:glc_abc").toString("base64")}`);
  });

  it("an injected fetch serves getLimits", async () => {
    const seen: string[] = [];
    const fakeFetch: typeof fetch = async (input) => {
      seen.push(String(input));
      return new Response(JSON.stringify({ pipelines: 5 }), { headers: { "content-type": "application/json" } });
    };
    const limits = await client({ fetch: fakeFetch }).getLimits();
    expect(limits.pipelines).toBe(5);
    expect(seen).toEqual([limitsUrl]);
  });
});
