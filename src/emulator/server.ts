// startEmulator: the store behind a real loopback HTTP server. Every RPC
// passes, in order: latency → auth → rate limit → "before" faults → the
// Connect handler (connect-node) → "after" faults. The `/_emulator/*`
// inspection routes skip all of that.
// RPCs are POST, except GetConfig, which connect-node also answers as a
// Connect GET (it is declared side-effect free); it refuses GET for the
// others with 405.
import { Code, ConnectError, createContextKey, createContextValues, type Interceptor } from "@connectrpc/connect";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import { ConfigurationError } from "../errors/index.js";
import { FLEET_EMPTY_MATCHERS } from "../matchers/index.js";
import { isAuthorized, type BasicAuthCredentials } from "./auth.js";
import { checkFaultOptions, createFaultInjector, type FaultDecision, type FaultInjector, type FaultOptions } from "./faults.js";
import {
  codeName,
  codeNameFromStatus,
  dropConnection,
  readBody,
  requestHeader,
  sendConnectError,
  sendJson,
} from "./http.js";
import { listen, type NodeRequest, type NodeResponse } from "./listen.js";
import { createStatePersister, readStateFile, type StatePersister } from "./persistence.js";
import { createRateLimiter, type RateLimiter } from "./rate-limiter.js";
import { RequestLog, type RequestLogEntry } from "./request-log.js";
import { registerServices } from "./services.js";
import { applySeed, restoreState, stateToJson, type EmulatorSeed, type EmulatorState } from "./state.js";
import { DEFAULT_PIPELINE_LIMIT, EmulatorStore, type EmptyMatchersMode } from "./store.js";

/** What `tenant.v1.TenantService/GetLimits` answers; an absent field means "no limit". */
export interface EmulatorLimits {
  /** Most pipelines the stack may hold. */
  pipelines?: number;
  /** Most collectors. */
  collectors?: number;
  /** Requests per second to the management APIs. */
  requestsPerSecondApi?: number;
  /** Requests per second to the collector (agent) APIs. */
  requestsPerSecondCollector?: number;
}

/** Options of `startEmulator`. */
export interface EmulatorOptions {
  /** TCP port; 0 (default) picks a free one. */
  port?: number | undefined;
  /** Interface to listen on. Default `127.0.0.1`. */
  host?: string | undefined;
  /** Most pipelines the stack may hold. Default 200; `Infinity` for no limit. */
  pipelineLimit?: number | undefined;
  /** Most collectors the stack may hold. Default: no limit. */
  collectorLimit?: number | undefined;
  /** When set, every RPC needs HTTP Basic auth with exactly these credentials. */
  auth?: BasicAuthCredentials | undefined;
  /**
   * Calls per second across the management RPCs (every RPC but the two
   * below); excess calls get 429 `resource_exhausted`. Default: no limit.
   */
  rps?: number | undefined;
  /**
   * Calls per second for what collectors call on their own, GetConfig and
   * RegisterCollector, which the service limits separately (20/s where the
   * rest has 3/s). Default: no limit.
   */
  agentRps?: number | undefined;
  /** Delay added before every RPC is answered, in ms. Default 0. */
  latencyMs?: number | undefined;
  /** Seeded random faults. Default: none. */
  faults?: FaultOptions | undefined;
  /** What a pipeline without matchers matches in ListPipelines attribute filters. Default "none". */
  emptyMatchers?: EmptyMatchersMode | undefined;
  /**
   * Refuse a write (Create, Update, Upsert, Sync, validate_only too) whose
   * Alloy contents do not parse, with invalid_argument naming the pipeline,
   * line and column, as the service is expected to. Default true; `false`
   * stores any contents (placeholders such as `"x"` in older test suites).
   * Seeding (`seed`, `/_emulator/seed`, the state file) is never checked.
   */
  checkAlloySyntax?: boolean | undefined;
  /** Load the state from this JSON file at start (if it exists) and save every change to it. */
  stateFile?: string | undefined;
  /** Overrides for the GetLimits answer (`null` removes a field). Defaults follow the options above. */
  limits?: { [K in keyof EmulatorLimits]?: number | null } | undefined;
  /** How many calls the request log keeps. Default 10 000. */
  requestLogLimit?: number | undefined;
  /** Clock in ms for timestamps and the rate limiter. Default `Date.now`. */
  now?: (() => number) | undefined;
  /** Called after each RPC is answered. */
  onRequest?: ((entry: RequestLogEntry) => void) | undefined;
  /**
   * Called before each RPC is handled (after auth and the rate limit, before
   * the faults), with the store: a test acts here as another writer between
   * a client's calls. Returning "empty" answers the call 200 with an empty
   * message without handling it, as a flaky gateway might.
   */
  beforeRequest?: ((entry: Readonly<RequestLogEntry>, store: EmulatorStore) => void | "empty") | undefined;
  /** Called when writing the state file fails. Default: print to stderr. */
  onStateFileError?: ((error: unknown) => void) | undefined;
}

export interface Emulator {
  /** `http://host:port`, the base URL for Connect clients (and `FLEET_URL`). */
  readonly url: string;
  /** The interface it listens on. */
  readonly host: string;
  /** The port it listens on. */
  readonly port: number;
  /** Closes every connection, saves the state file, and frees the port. */
  stop(): Promise<void>;
  /** The current pipelines, collectors and revisions (a copy). */
  state(): EmulatorState;
  /** The request log, oldest first (a copy). */
  requests(): RequestLogEntry[];
  /** Forgets all state and the request log; restarts the rate limiter and the fault sequence. */
  reset(): void;
  /** Puts pipelines (with their source) and collectors in place, all or nothing. */
  seed(data: EmulatorSeed): void;
  /** Replaces the fault settings; `undefined` turns faults off. */
  setFaults(faults: FaultOptions | undefined): void;
}

/** Per-call data shared between the outer handler and the Connect interceptor. */
interface CallContext {
  req: NodeRequest;
  res: NodeResponse;
  entry: RequestLogEntry;
  fault: FaultDecision | undefined;
  closed: boolean;
}

const callKey = createContextKey<CallContext | undefined>(undefined, { description: "emulator call" });

const RPC_SERVICES = new Set(["pipeline.v1.PipelineService", "collector.v1.CollectorService", "tenant.v1.TenantService"]);
/** Collector-initiated calls, rate-limited apart from the management API (agentRps). */
const AGENT_METHODS = new Set(["GetConfig", "RegisterCollector"]);
const GET_LIMITS_PATH = "/tenant.v1.TenantService/GetLimits";
const MAX_INSPECTION_BODY = 64 * 1024 * 1024;
// A "timeout" fault answers this long after the client's deadline.
const TIMEOUT_MARGIN_MS = 100;

function checkOptions(o: EmulatorOptions): void {
  const nonNegative = (name: string, v: number | undefined, integer = false) => {
    if (v === undefined) return;
    if (!(v >= 0) || (integer && Number.isFinite(v) && !Number.isInteger(v))) {
      throw new ConfigurationError(`${name} must be a non-negative ${integer ? "integer" : "number"}, got ${String(v)}`);
    }
  };
  nonNegative("port", o.port, true);
  if (o.port !== undefined && o.port > 65535) throw new ConfigurationError(`port must be at most 65535, got ${o.port}`);
  nonNegative("pipelineLimit", o.pipelineLimit, true);
  nonNegative("collectorLimit", o.collectorLimit, true);
  nonNegative("rps", o.rps);
  nonNegative("agentRps", o.agentRps);
  nonNegative("latencyMs", o.latencyMs);
  nonNegative("requestLogLimit", o.requestLogLimit, true);
  if (o.emptyMatchers !== undefined && o.emptyMatchers !== "none" && o.emptyMatchers !== "all") {
    throw new ConfigurationError(`emptyMatchers must be "none" or "all", got ${JSON.stringify(o.emptyMatchers)}`);
  }
  if (o.auth !== undefined && (o.auth.user === "" || o.auth.token === "")) {
    throw new ConfigurationError("auth needs a non-empty user and token");
  }
  if (o.faults !== undefined) checkFaultOptions(o.faults);
}

function formatOf(req: NodeRequest): RequestLogEntry["format"] {
  // A Connect GET (GetConfig, as Alloy sends it) names its codec in the query.
  if (req.method === "GET") {
    const encoding = new URLSearchParams((req.url ?? "").split("?")[1] ?? "").get("encoding");
    return encoding === "proto" ? "binary" : encoding === "json" ? "json" : "other";
  }
  const type = requestHeader(req, "content-type") ?? "";
  if (type.startsWith("application/proto")) return "binary";
  if (type.startsWith("application/json")) return "json";
  return "other";
}

/** Waits `ms`, or less if `abort` fires first. */
function pause(ms: number, ...aborts: AbortSignal[]): Promise<void> {
  return new Promise((resolve) => {
    if (aborts.some((s) => s.aborted)) return resolve();
    const done = () => {
      clearTimeout(timer);
      for (const s of aborts) s.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    for (const s of aborts) s.addEventListener("abort", done, { once: true });
  });
}

/** Never resolves; rejects when `signal` aborts (a dropped call's request closing). */
function settleOnAbort(signal: AbortSignal): Promise<never> {
  return new Promise<never>((_, reject) => {
    const fail = () => reject(new ConnectError("emulated fault: the connection was dropped", Code.Aborted));
    if (signal.aborted) fail();
    else signal.addEventListener("abort", fail, { once: true });
  });
}

/** A signal that fires when the client goes away. */
function closeSignal(res: NodeResponse): AbortSignal {
  const controller = new AbortController();
  res.once("close", () => controller.abort());
  return controller.signal;
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  checkOptions(options);
  const now = options.now ?? Date.now;
  const store = new EmulatorStore({
    pipelineLimit: options.pipelineLimit ?? DEFAULT_PIPELINE_LIMIT,
    ...(options.collectorLimit !== undefined ? { collectorLimit: options.collectorLimit } : {}),
    emptyMatchers: options.emptyMatchers ?? FLEET_EMPTY_MATCHERS,
    checkAlloySyntax: options.checkAlloySyntax !== false,
    now,
  });
  const log = new RequestLog(options.requestLogLimit ?? 10_000);
  const limiter: RateLimiter = createRateLimiter(options.rps, now);
  const agentLimiter: RateLimiter = createRateLimiter(options.agentRps, now);
  let faultOptions = options.faults;
  let faults: FaultInjector = createFaultInjector(faultOptions);
  const latencyMs = options.latencyMs ?? 0;
  const stopping = new AbortController();

  let persister: StatePersister | undefined;
  let persistedVersion = store.version;
  if (options.stateFile !== undefined) {
    const saved = await readStateFile(options.stateFile);
    if (saved !== undefined) {
      try {
        restoreState(store, saved);
      } catch (error) {
        throw new ConfigurationError(
          `the state file ${options.stateFile} cannot be loaded: ${(error as Error).message}`,
          { cause: error },
        );
      }
    }
    persistedVersion = store.version;
    const onError =
      options.onStateFileError ??
      ((error: unknown) => console.error(`emulator: cannot write ${options.stateFile}: ${(error as Error).message}`));
    persister = createStatePersister(options.stateFile, () => JSON.stringify(stateToJson(store), null, 2) + "\n", onError);
  }
  const noteChanges = () => {
    if (persister !== undefined && store.version !== persistedVersion) {
      persistedVersion = store.version;
      persister.schedule();
    }
  };

  const limits = (): EmulatorLimits => {
    const base: EmulatorLimits = {};
    if (Number.isFinite(store.pipelineLimit)) base.pipelines = store.pipelineLimit;
    if (Number.isFinite(store.collectorLimit)) base.collectors = store.collectorLimit;
    if (options.rps !== undefined && options.rps > 0) base.requestsPerSecondApi = options.rps;
    if (options.agentRps !== undefined && options.agentRps > 0) base.requestsPerSecondCollector = options.agentRps;
    for (const [key, value] of Object.entries(options.limits ?? {})) {
      if (value === null) delete base[key as keyof EmulatorLimits];
      else if (value !== undefined) base[key as keyof EmulatorLimits] = value;
    }
    return base;
  };

  /** Runs after the handler: the "after" faults strike here. */
  const afterFault = async (call: CallContext): Promise<"answer" | "hang"> => {
    const fault = call.fault;
    if (fault === undefined || fault.phase !== "after") return "answer";
    switch (fault.kind) {
      case "unavailable_after":
        call.entry.code = "unavailable";
        throw new ConnectError("emulated fault: unavailable after the call was handled", Code.Unavailable);
      case "drop_after":
        call.entry.code = "dropped";
        dropConnection(call.req);
        return "hang";
      case "timeout": {
        const header = Number(requestHeader(call.req, "connect-timeout-ms"));
        const holdMs =
          Number.isFinite(header) && header > 0 ? header + TIMEOUT_MARGIN_MS : (faultOptions?.holdMs ?? 5000);
        await pause(holdMs, stopping.signal, closeSignal(call.res));
        // A client that gave up has closed the stream: nothing left to answer.
        if (!call.closed) return "answer";
        call.entry.code = "deadline_exceeded";
        return "hang";
      }
      default:
        return "answer";
    }
  };

  const interceptor: Interceptor = (next) => async (req) => {
    const call = req.contextValues.get(callKey);
    if (call === undefined) return next(req);
    let response;
    try {
      response = await next(req);
      call.entry.handlerCode = "ok";
    } catch (error) {
      const code = codeName(ConnectError.from(error).code);
      call.entry.handlerCode = code;
      call.entry.code = code;
      throw error;
    }
    const outcome = await afterFault(call);
    // The connection is gone and nothing must be written; settle only once the
    // request's signal aborts (the socket closed), so that connect-node clears
    // the deadline timer of this call instead of keeping the process alive.
    if (outcome === "hang") return settleOnAbort(req.signal);
    return response;
  };

  const calls = new WeakMap<NodeRequest, CallContext>();
  const connectHandler = connectNodeAdapter({
    routes: (router) => registerServices(router, store),
    interceptors: [interceptor],
    contextValues: (req) => createContextValues().set(callKey, calls.get(req)),
    // Compressed requests are accepted; answers are never compressed: on
    // loopback gzip only costs CPU (it dominated ListPipelines profiles).
    compressMinBytes: Number.MAX_SAFE_INTEGER,
    // connect-go's default: JSON input with unknown fields is accepted, the fields discarded.
    jsonOptions: { ignoreUnknownFields: true },
  });

  const handleGetLimits = async (call: CallContext): Promise<void> => {
    const { req, res } = call;
    if (req.method !== "POST") {
      call.entry.code = "unimplemented";
      res.writeHead(405, { allow: "POST" });
      res.end();
      return;
    }
    if (call.entry.format === "binary") {
      // The tenant proto is not published: only JSON can be answered faithfully.
      call.entry.code = "unimplemented";
      res.writeHead(415, { "accept-post": "application/json" });
      res.end();
      return;
    }
    await readBody(req, 1024 * 1024);
    call.entry.handlerCode = "ok";
    try {
      if ((await afterFault(call)) === "hang") return;
    } catch (error) {
      const e = ConnectError.from(error);
      call.entry.code = codeName(e.code);
      sendConnectError(res, e.code, e.rawMessage);
      return;
    }
    sendJson(res, 200, limits());
  };

  const handleRpc = async (req: NodeRequest, res: NodeResponse, path: string): Promise<void> => {
    const started = performance.now();
    const slash = path.indexOf("/", 1);
    const service = slash > 0 ? path.slice(1, slash) : "";
    const isRpc = RPC_SERVICES.has(service);
    const entry: RequestLogEntry = {
      seq: log.allocateSeq(),
      service: isRpc ? service : "",
      method: isRpc ? path.slice(slash + 1) : path,
      time: new Date(now()).toISOString(),
      durationMs: 0,
      httpVersion: req.httpVersionMajor === 2 ? "2" : "1.1",
      format: formatOf(req),
      code: "",
    };
    const call: CallContext = { req, res, entry, fault: undefined, closed: false };
    res.once("close", () => {
      call.closed = true;
      entry.durationMs = Math.round((performance.now() - started) * 1000) / 1000;
      const answered = res.writableEnded;
      if (answered) entry.status = res.statusCode;
      if (entry.code === "") entry.code = answered ? codeNameFromStatus(res.statusCode) : "dropped";
      log.add(entry);
      noteChanges();
      options.onRequest?.(entry);
    });

    if (latencyMs > 0) await pause(latencyMs, stopping.signal);
    if (options.auth !== undefined && !isAuthorized(requestHeader(req, "authorization"), options.auth)) {
      entry.code = "unauthenticated";
      sendConnectError(res, Code.Unauthenticated, "missing or invalid credentials (HTTP Basic auth: stack id and token)");
      return;
    }
    const admitted = (AGENT_METHODS.has(entry.method) ? agentLimiter : limiter).take();
    if (!admitted.allowed) {
      entry.code = "resource_exhausted";
      sendConnectError(res, Code.ResourceExhausted, "rate limit exceeded", {
        "retry-after": String(admitted.retryAfterSeconds),
      });
      return;
    }
    if (isRpc && options.beforeRequest?.(entry, store) === "empty") {
      entry.code = "ok";
      if (entry.format === "binary") {
        res.writeHead(200, { "content-type": "application/proto", "content-length": "0" });
        res.end();
      } else {
        sendJson(res, 200, {});
      }
      return;
    }
    const fault = isRpc ? faults.decide(`${service}/${entry.method}`) : undefined;
    if (fault !== undefined) {
      call.fault = fault;
      entry.fault = { kind: fault.kind, phase: fault.phase };
      switch (fault.kind) {
        case "unavailable":
          entry.code = "unavailable";
          sendConnectError(res, Code.Unavailable, "emulated fault: service unavailable");
          return;
        case "rate_limited":
          entry.code = "resource_exhausted";
          sendConnectError(res, Code.ResourceExhausted, "emulated fault: rate limit exceeded", {
            "retry-after": String(faultOptions?.retryAfterSeconds ?? 1),
          });
          return;
        case "drop":
          entry.code = "dropped";
          dropConnection(req);
          return;
        default:
          break;
      }
    }
    if (path === GET_LIMITS_PATH) {
      await handleGetLimits(call);
      return;
    }
    calls.set(req, call);
    connectHandler(req, res);
  };

  const handleInspection = async (req: NodeRequest, res: NodeResponse, path: string): Promise<void> => {
    const route = `${req.method ?? ""} ${path}`;
    const body = async (): Promise<unknown> => {
      const raw = (await readBody(req, MAX_INSPECTION_BODY)).toString("utf8").trim();
      return raw === "" ? {} : (JSON.parse(raw) as unknown);
    };
    try {
      switch (route) {
        case "GET /_emulator/state":
          return sendJson(res, 200, stateToJson(store));
        case "GET /_emulator/requests":
          return sendJson(res, 200, { requests: log.list() });
        case "POST /_emulator/reset":
          await body();
          emulator.reset();
          return sendJson(res, 200, {});
        case "POST /_emulator/seed":
          applySeed(store, await body());
          noteChanges();
          return sendJson(res, 200, stateToJson(store));
        case "POST /_emulator/faults": {
          const parsed = (await body()) as { rate?: unknown } | null;
          emulator.setFaults(parsed === null || parsed.rate === undefined ? undefined : (parsed as FaultOptions));
          return sendJson(res, 200, { faults: faultOptions ?? null });
        }
        case "GET /_emulator/faults":
          return sendJson(res, 200, { faults: faultOptions ?? null });
        default: {
          const known = ["state", "requests", "reset", "seed", "faults"].map((r) => `/_emulator/${r}`);
          if (known.includes(path)) return sendJson(res, 405, { code: "invalid_argument", message: `${route} is not allowed` });
          return sendJson(res, 404, { code: "not_found", message: `no inspection route ${path}` });
        }
      }
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const code = error instanceof ConnectError ? codeName(error.code) : "invalid_argument";
      return sendJson(res, 400, { code, message });
    }
  };

  const handler = (req: NodeRequest, res: NodeResponse): void => {
    const path = (req.url ?? "/").split("?", 1)[0]!;
    const work = path.startsWith("/_emulator/") ? handleInspection(req, res, path) : handleRpc(req, res, path);
    work.catch((error: unknown) => {
      if (!res.headersSent && !res.writableEnded) {
        sendConnectError(res, Code.Internal, error instanceof Error ? error.message : String(error));
      }
    });
  };

  const listener = await listen(handler, options.host ?? "127.0.0.1", options.port ?? 0);
  const hostForUrl = listener.host.includes(":") ? `[${listener.host}]` : listener.host;
  let stopped: Promise<void> | undefined;

  const emulator: Emulator = {
    url: `http://${hostForUrl}:${listener.port}`,
    host: listener.host,
    port: listener.port,
    stop() {
      stopped ??= (async () => {
        stopping.abort();
        await listener.close();
        noteChanges();
        await persister?.flush();
      })();
      return stopped;
    },
    state: () => stateToJson(store),
    requests: () => log.list(),
    reset() {
      store.reset();
      log.clear();
      limiter.reset();
      agentLimiter.reset();
      faults = createFaultInjector(faultOptions);
      noteChanges();
    },
    seed(data) {
      applySeed(store, data);
      noteChanges();
    },
    setFaults(next) {
      if (next !== undefined) checkFaultOptions(next);
      faultOptions = next;
      faults = createFaultInjector(next);
    },
  };
  return emulator;
}
