// Bounded answers (maxResponseBytes): a gzip bomb, a Content-Length over the
// cap, an endless body, and a body abandoned at the deadline, from a raw
// loopback server (node transport, HTTP/1.1 and h2c) and through an injected
// fetch (getLimits). The checks are on bytes (sent by the server, pulled from the
// body), never on timing.
import { once } from "node:events";
import type { ServerResponse } from "node:http";
import { gzip } from "node:zlib";
import { promisify } from "node:util";
import { create, toBinary, toJsonString } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { PipelinesSchema } from "../../gen/pipeline/v1/pipeline_pb.js";
import { createFleetClient, defaultMaxResponseBytes, type FleetClientOptions } from "../../src/client/index.js";
import { startServer, type RawHandler, type TestServer } from "./helpers/server.js";

const MiB = 1024 * 1024;

async function failure(p: Promise<unknown>): Promise<ConnectError> {
  return p.then(
    () => {
      throw new Error("expected a failure");
    },
    (e: unknown) => {
      expect(e).toBeInstanceOf(ConnectError);
      return e as ConnectError;
    },
  );
}

/** A gzip body of `size` zero bytes: tiny on the wire, huge once inflated. */
async function gzipBomb(size: number): Promise<Buffer> {
  return promisify(gzip)(Buffer.alloc(size), { level: 9 });
}

interface Stream {
  written: number;
  closed: boolean;
}

/** Writes `chunk` until the client goes away or `cap` bytes are out; records what it wrote. */
async function writeUntilClosed(answer: Parameters<RawHandler>[1], chunk: Buffer, cap: number, state: Stream, pauseMs = 0): Promise<void> {
  // HTTP/1.1 and HTTP/2 responses share these methods; the union type does not show it.
  const res = answer as ServerResponse;
  res.on("close", () => (state.closed = true));
  while (!state.closed && state.written < cap) {
    const ok = res.write(chunk);
    state.written += chunk.length;
    if (pauseMs > 0) await new Promise((r) => setTimeout(r, pauseMs));
    else if (!ok) await Promise.race([once(res, "drain"), once(res, "close")]);
  }
  if (!state.closed) res.end();
}

describe.each(["1.1", "2"] as const)("node transport over HTTP/%s", (httpVersion) => {
  let server: TestServer;
  let bomb: Buffer;
  let listing: { binary: Buffer; json: Buffer };
  let handler: RawHandler = () => false;

  beforeAll(async () => {
    bomb = await gzipBomb(256 * MiB);
    const many = create(PipelinesSchema, {
      pipelines: Array.from({ length: 200_000 }, (_, i) => ({ id: String(i + 1), name: `p${i}`, contents: "x" })),
    });
    listing = { binary: Buffer.from(toBinary(PipelinesSchema, many)), json: Buffer.from(toJsonString(PipelinesSchema, many)) };
    server = await startServer({ httpVersion, raw: { match: /./, handle: (req, res, body) => handler(req, res, body) } });
  });
  afterAll(() => server.close());

  const client = (extra: Partial<FleetClientOptions> = {}) =>
    createFleetClient({ baseUrl: server.url, httpVersion, rateLimit: false, retry: false, ...extra });

  it("refuses a gzip bomb once it inflates past the cap, naming the call and the limit", async () => {
    handler = (_req, res) => {
      res.writeHead(200, { "content-type": "application/proto", "content-encoding": "gzip", "content-length": String(bomb.length) });
      res.end(bomb);
      return true;
    };
    const err = await failure(client({ maxResponseBytes: 4 * MiB }).pipelines.listPipelines({}));
    expect(err.code).toBe(Code.ResourceExhausted);
    expect(err.rawMessage).toContain("response of pipeline.v1.PipelineService/ListPipelines exceeds maxResponseBytes (4 MiB)");
    // zlib stopped at the cap: what it reports is the inflation, not the (small) wire size.
    expect(bomb.length).toBeLessThan(4 * MiB);
    expect(err.rawMessage).toContain("inflates past it");
  });

  it.runIf(httpVersion === "1.1")("getLimits over fetch: a gzip bomb is cut where the inflated bytes pass the cap", async () => {
    handler = (_req, res) => {
      res.writeHead(200, { "content-type": "application/json", "content-encoding": "gzip", "content-length": String(bomb.length) });
      res.end(bomb);
      return true;
    };
    // fetch inflates by itself; the cap counts what it hands over.
    const err = await failure(client({ fetch: globalThis.fetch, maxResponseBytes: 4 * MiB }).getLimits());
    expect(err.code).toBe(Code.ResourceExhausted);
    expect(err.rawMessage).toContain("response of tenant.v1.TenantService/GetLimits exceeds maxResponseBytes (4 MiB)");
    expect(err.rawMessage).toMatch(/more than \d+ bytes received/);
    const received = Number(/more than (\d+) bytes/.exec(err.rawMessage)?.[1]);
    expect(received).toBeLessThan(5 * MiB);
  });

  it.runIf(httpVersion === "1.1")("getLimits over fetch reads a gzip-compressed answer (fetch inflated it)", async () => {
    const small = await promisify(gzip)(Buffer.from(JSON.stringify({ pipelines: 200, collectors: "50" })));
    handler = (_req, res) => {
      res.writeHead(200, { "content-type": "application/json", "content-encoding": "gzip", "content-length": String(small.length) });
      res.end(small);
      return true;
    };
    const limits = await client({ fetch: globalThis.fetch }).getLimits();
    expect(limits.pipelines).toBe(200);
    expect(limits.collectors).toBe(50);
  });

  it("refuses an answer whose Content-Length is over the default 32 MiB before reading it", async () => {
    const state: Stream = { written: 0, closed: false };
    handler = (_req, answer) => {
      const res = answer as ServerResponse;
      res.writeHead(200, { "content-type": "application/proto", "content-length": String(defaultMaxResponseBytes + 1) });
      // Sends 1 MiB and then waits: the refusal cannot come from reading the rest.
      res.write(Buffer.alloc(MiB));
      state.written = MiB;
      res.on("close", () => (state.closed = true));
      return true;
    };
    const err = await failure(client().pipelines.listPipelines({}));
    expect(defaultMaxResponseBytes).toBe(32 * MiB);
    expect(err.code).toBe(Code.ResourceExhausted);
    expect(err.rawMessage).toContain("exceeds maxResponseBytes (32 MiB)");
    expect(err.rawMessage).toContain(`Content-Length is ${defaultMaxResponseBytes + 1}`);
    await vi.waitFor(() => expect(state.closed).toBe(true));
    expect(state.written).toBe(MiB);
  });

  it("stops reading an endless body at the cap and closes it", async () => {
    const state: Stream = { written: 0, closed: false };
    handler = (_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      void writeUntilClosed(res, Buffer.alloc(64 * 1024, 0x20), 512 * MiB, state);
      return true;
    };
    const err = await failure(client({ maxResponseBytes: MiB, useBinaryFormat: false }).pipelines.listPipelines({}));
    expect(err.code).toBe(Code.ResourceExhausted);
    expect(err.rawMessage).toContain("exceeds maxResponseBytes (1 MiB)");
    await vi.waitFor(() => expect(state.closed).toBe(true), { timeout: 10_000 });
    // The cap plus what the socket buffers held, far from the 512 MiB on offer.
    expect(state.written).toBeLessThan(32 * MiB);
  });

  it("cancels a body still arriving when the call's deadline passes", async () => {
    const state: Stream = { written: 0, closed: false };
    handler = (_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      void writeUntilClosed(res, Buffer.alloc(1024, 0x20), 64 * MiB, state, 10);
      return true;
    };
    const err = await failure(client({ timeoutMs: 200, useBinaryFormat: false }).pipelines.listPipelines({}));
    expect(err.code).toBe(Code.DeadlineExceeded);
    await vi.waitFor(() => expect(state.closed).toBe(true), { timeout: 10_000 });
    const after = state.written;
    await new Promise((r) => setTimeout(r, 100));
    expect(state.written).toBe(after);
  });

  it.each([
    ["binary", true],
    ["JSON", false],
  ] as const)("reads a 200 000-entry %s listing (no stack overflow)", async (_name, useBinaryFormat) => {
    handler = (_req, res) => {
      const body = useBinaryFormat ? listing.binary : listing.json;
      res.writeHead(200, { "content-type": useBinaryFormat ? "application/proto" : "application/json", "content-length": String(body.length) });
      res.end(body);
      return true;
    };
    const res = await client({ useBinaryFormat }).pipelines.listPipelines({});
    expect(res.pipelines).toHaveLength(200_000);
    expect(res.pipelines[199_999]?.name).toBe("p199999");
  });
});

describe("fetch (getLimits with an injected fetch)", () => {
  // A fetch of our own rather than msw: msw collects a mocked body whole
  // before handing it over, which would hide how much the client pulls.
  const base = "https://fleet-management-prod-001.grafana.net";

  it("stops pulling an endless body at the cap and cancels it", async () => {
    const pulled = { bytes: 0, cancelled: false };
    const chunk = new Uint8Array(64 * 1024).fill(0x20);
    const endless: typeof fetch = async () => {
      const body = new ReadableStream<Uint8Array>({
        pull(controller) {
          pulled.bytes += chunk.byteLength;
          controller.enqueue(chunk);
        },
        cancel() {
          pulled.cancelled = true;
        },
      });
      return new Response(body, { headers: { "content-type": "application/json" } });
    };
    const client = createFleetClient({ baseUrl: base, fetch: endless, rateLimit: false, retry: false, maxResponseBytes: MiB });
    const err = await failure(client.getLimits());
    expect(err.code).toBe(Code.ResourceExhausted);
    expect(err.rawMessage).toContain("response of tenant.v1.TenantService/GetLimits exceeds maxResponseBytes (1 MiB)");
    expect(pulled.cancelled).toBe(true);
    expect(pulled.bytes).toBeLessThan(2 * MiB);
  });

  it("refuses a declared Content-Length over the cap without reading the body", async () => {
    let pulls = 0;
    const big: typeof fetch = async () =>
      new Response(new ReadableStream({ pull: (c) => void (pulls++, c.enqueue(new Uint8Array(1024))) }), {
        headers: { "content-type": "application/json", "content-length": String(2 * MiB) },
      });
    const client = createFleetClient({ baseUrl: base, fetch: big, rateLimit: false, retry: false, maxResponseBytes: MiB });
    const err = await failure(client.getLimits());
    expect(err.rawMessage).toContain("Content-Length is 2097152");
    expect(pulls).toBeLessThanOrEqual(1);
  });
});

describe("the maxResponseBytes option", () => {
  it.each([0, -1, 1.5, 2 ** 32, Number.NaN])("refuses %s", (value) => {
    expect(() => createFleetClient({ baseUrl: "https://fleet.example.com", maxResponseBytes: value })).toThrow(/maxResponseBytes/);
  });
});
