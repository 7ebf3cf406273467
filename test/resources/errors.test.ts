// Each API error class, from real answers of the emulator over loopback
// (and, for what the emulator never sends, from a ConnectError built here).
import { inspect } from "node:util";
import { Code, ConnectError } from "@connectrpc/connect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFleetClient, type FleetClient } from "../../src/client/index.js";
import { startEmulator, type Emulator } from "../../src/emulator/index.js";
import {
  AlreadyExistsError,
  FleetApiError,
  InvalidArgumentError,
  NotFoundError,
  RateLimitedError,
  UnauthenticatedError,
  UnavailableError,
  toFleetError,
} from "../../src/client/index.js";
import { FleetError } from "../../src/errors/index.js";
import * as root from "../../src/index.js";

const TOKEN = "glc_secret-token-that-must-not-leak";
let emulator: Emulator;
let fleet: FleetClient;

beforeAll(async () => {
  emulator = await startEmulator({ auth: { user: "12345", token: TOKEN } });
  fleet = createFleetClient({ baseUrl: emulator.url, auth: { user: "12345", token: TOKEN }, rateLimit: false, retry: false });
});
afterAll(async () => {
  await emulator.stop();
});

async function failure(promise: Promise<unknown>): Promise<FleetApiError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(FleetApiError);
  expect(error).toBeInstanceOf(FleetError);
  expect(error).toBeInstanceOf(Error);
  const shown = `${String(error)}\n${(error as Error).stack ?? ""}\n${inspect(error, { depth: 6 })}\n${JSON.stringify(error)}`;
  expect(shown).not.toContain(TOKEN);
  expect(shown).not.toContain(Buffer.from(`12345:${TOKEN}`).toString("base64"));
  return error as FleetApiError;
}

describe("errors of the resource API", () => {
  it("404 → NotFoundError with the procedure and the status, no token", async () => {
    const e = await failure(fleet.pipelines.get("missing"));
    expect(e).toBeInstanceOf(NotFoundError);
    expect(e.code).toBe("NOT_FOUND");
    expect(e.procedure).toBe("pipeline.v1.PipelineService/GetPipelineID");
    expect(e.httpStatus).toBe(404);
    expect(e.message).toMatch(/^pipeline\.v1\.PipelineService\/GetPipelineID: .*missing/);
    expect(e.connectCode).toBe(Code.NotFound);
    expect(e.cause).toBeInstanceOf(ConnectError);
    const byId = await failure(fleet.pipelines.get({ id: "987" }));
    expect(byId.procedure).toBe("pipeline.v1.PipelineService/GetPipeline");
  });

  it("409 → AlreadyExistsError", async () => {
    await fleet.pipelines.upsert({ name: "taken", contents: "// x\n" });
    const e = await failure(fleet.pipelines.create({ name: "taken", contents: "// y\n" }));
    expect(e).toBeInstanceOf(AlreadyExistsError);
    expect(e.code).toBe("ALREADY_EXISTS");
    expect(e.httpStatus).toBe(409);
    expect(e.procedure).toBe("pipeline.v1.PipelineService/CreatePipeline");
  });

  it("400 → InvalidArgumentError", async () => {
    const e = await failure(fleet.pipelines.create({ name: "bad", contents: "// x\n", matchers: ["not a matcher"] }));
    expect(e).toBeInstanceOf(InvalidArgumentError);
    expect(e.code).toBe("INVALID_ARGUMENT");
    expect(e.httpStatus).toBe(400);
  });

  it("401 → UnauthenticatedError, and the wrong token is not echoed", async () => {
    const wrong = `${TOKEN}-wrong`;
    const stranger = createFleetClient({ baseUrl: emulator.url, auth: { user: "12345", token: wrong }, rateLimit: false, retry: false });
    const e = await failure(stranger.pipelines.list());
    expect(e).toBeInstanceOf(UnauthenticatedError);
    expect(e.httpStatus).toBe(401);
    expect(`${e.message}${inspect(e, { depth: 6 })}`).not.toContain(wrong);
  });

  it("429 → RateLimitedError with Retry-After", async () => {
    const limited = await startEmulator({ rps: 1 });
    try {
      const client = createFleetClient({ baseUrl: limited.url, rateLimit: false, retry: false });
      await client.pipelines.list();
      const e = await failure(client.pipelines.list());
      expect(e).toBeInstanceOf(RateLimitedError);
      expect(e.code).toBe("RATE_LIMITED");
      expect(e.httpStatus).toBe(429);
      expect((e as RateLimitedError).retryAfterMs).toBeGreaterThan(0);
    } finally {
      await limited.stop();
    }
  });

  it("a refused connection → UnavailableError without an HTTP status", async () => {
    const gone = await startEmulator();
    const url = gone.url;
    await gone.stop();
    const client = createFleetClient({ baseUrl: url, rateLimit: false, retry: false });
    const e = await failure(client.collectors.list());
    expect(e).toBeInstanceOf(UnavailableError);
    expect(e.httpStatus).toBeUndefined();
    expect(e.procedure).toBe("collector.v1.CollectorService/ListCollectors");
  });
});

describe("toFleetError for the raw clients", () => {
  it("converts a ConnectError from fleet.raw, with the procedure when given", async () => {
    const raw = await fleet.raw.pipelines.getPipeline({ id: "4242" }).catch((e: unknown) => e);
    // Re-exported from the package root: no need to install @connectrpc/connect.
    expect(raw).toBeInstanceOf(root.ConnectError);
    expect((raw as ConnectError).code).toBe(root.Code.NotFound);
    const e = toFleetError(raw, { procedure: "pipeline.v1.PipelineService/GetPipeline" });
    expect(e).toBeInstanceOf(root.NotFoundError);
    expect(e).toBeInstanceOf(root.FleetError);
    expect((e as NotFoundError).procedure).toBe("pipeline.v1.PipelineService/GetPipeline");
  });

  it("returns a FleetError unchanged", () => {
    const own = new NotFoundError("x", { connectCode: Code.NotFound });
    expect(toFleetError(own)).toBe(own);
    const config = new root.ConfigurationError("bad");
    expect(toFleetError(config)).toBe(config);
  });

  it("reads the request id, the status and Retry-After from the error's headers", () => {
    const e = toFleetError(new ConnectError("slow down", Code.ResourceExhausted, new Headers({ "x-request-id": "req-7", "retry-after": "3" })));
    expect(e).toBeInstanceOf(RateLimitedError);
    expect(e).toMatchObject({ requestId: "req-7", httpStatus: 429, retryAfterMs: 3000 });
  });

  it("a gateway's bare 429 (read by Connect as unavailable) is a RateLimitedError with status 429", () => {
    const e = toFleetError(new ConnectError("HTTP 429", Code.Unavailable, new Headers({ "content-type": "text/html" })));
    expect(e).toBeInstanceOf(RateLimitedError);
    expect(e).toMatchObject({ code: "RATE_LIMITED", httpStatus: 429, connectCode: Code.Unavailable });
  });

  it("an abort becomes code CANCELED", () => {
    const e = toFleetError(new DOMException("stop", "AbortError"));
    expect(e).toBeInstanceOf(FleetApiError);
    expect(e.code).toBe("CANCELED");
  });
});
