// createFleetClient: typed Connect clients for the pipeline and collector
// services plus getLimits(), all behind one chain of interceptors
// (outermost first):
//
//   errors → timeout → retry → rate limit → logging → user agent → auth → transport
//
// errors sees the final outcome; timeout bounds the whole call; retry repeats
// what is below it, so every attempt takes a rate-limit token, is logged, and
// carries the headers.
import { toJson } from "@bufbuild/protobuf";
import { StructSchema } from "@bufbuild/protobuf/wkt";
import { createClient, type Client, type Interceptor, type Transport } from "@connectrpc/connect";
import { validateReadWriteMaxBytes, type Compression, type UniversalClientFn } from "@connectrpc/connect/protocol";
import { createTransport } from "@connectrpc/connect/protocol-connect";
import { CollectorService } from "../../gen/collector/v1/collector_pb.js";
import { PipelineService } from "../../gen/pipeline/v1/pipeline_pb.js";
import { authInterceptor } from "./auth-interceptor.js";
import { withInterceptors } from "./compose-transport.js";
import { errorInterceptor } from "./error-interceptor.js";
import { createFetchHttpClient } from "./fetch-http-client.js";
import { createLog, type Log } from "./logger.js";
import { loggingInterceptor } from "./logging-interceptor.js";
import { resolveOptions, type FleetClientOptions, type ResolvedOptions } from "./options.js";
import { rateLimitInterceptor } from "./rate-limit-interceptor.js";
import { createRateLimiter } from "./rate-limiter.js";
import { createRedactor, type Redactor } from "./redact.js";
import { lazyNodeCompressions, lazyNodeHttpClient } from "./lazy-node-http.js";
import { limitCompression, limitHttpClient } from "./response-limit.js";
import { retryInterceptor } from "./retry-interceptor.js";
import { parseTenantLimits, TenantService, type TenantLimits } from "./tenant-limits.js";
import { timeoutInterceptor } from "./timeout-interceptor.js";
import { userAgentInterceptor } from "./user-agent-interceptor.js";
import { createCollectorsResource, createPipelinesResource, type CollectorsResource, type PipelinesResource } from "./resources/index.js";
import { callOptions } from "./resources/request.js";

/** Per-call options of `getLimits()`. */
export interface GetLimitsOptions {
  /** Aborts the call. */
  signal?: AbortSignal | undefined;
  /** Overrides the client's timeoutMs for this call; 0 = no deadline. */
  timeoutMs?: number | undefined;
}

/** A client for one Fleet Management stack, from `createFleetClient`. */
export interface FleetClient {
  /** The normalised host root every call goes to. */
  readonly baseUrl: string;
  /**
   * Pipelines as resources (`list`, `get`, `create`, `upsert`, `update`,
   * `delete`, `history`) speaking the public `Pipeline` type and throwing
   * FleetApiError subclasses. The generated methods (`listPipelines`, ...)
   * are on this object too, for older code; new code reaches them at `raw.pipelines`.
   */
  readonly pipelines: Client<typeof PipelineService> & PipelinesResource;
  /** Collectors as resources (`list`, `get`, `create`, `update`, `delete`, `attributes`); the generated methods too, as on `pipelines`. */
  readonly collectors: Client<typeof CollectorService> & CollectorsResource;
  /**
   * The generated Connect clients, messages in and out, ConnectError on
   * failure (`toFleetError` converts one). Every method accepts Connect
   * CallOptions (signal, timeoutMs, headers).
   */
  readonly raw: {
    /** pipeline.v1.PipelineService. */
    readonly pipelines: Client<typeof PipelineService>;
    /** collector.v1.CollectorService: the management methods, and the agent ones a collector itself calls (GetConfig, RegisterCollector, UnregisterCollector). */
    readonly collectors: Client<typeof CollectorService>;
  };
  /** tenant.v1.TenantService/GetLimits: the stack's limits; an absent field means no limit. */
  getLimits(options?: GetLimitsOptions): Promise<TenantLimits>;
}

// A field the server adds later must not break an older client. (Binary
// parsing keeps unknown fields by design.)
const jsonOptions = { ignoreUnknownFields: true } as const;

function buildInterceptors(o: ResolvedOptions, log: Log, redact: Redactor): Interceptor[] {
  const list: Interceptor[] = [errorInterceptor(o.baseUrl, redact), timeoutInterceptor(o.clock)];
  list.push(retryInterceptor(o.retry, o.clock, o.random, log));
  if (o.rateLimit !== undefined) {
    list.push(rateLimitInterceptor(createRateLimiter({ ...o.rateLimit, clock: o.clock }), log));
  }
  list.push(loggingInterceptor(log, o.clock), userAgentInterceptor(o.userAgent), authInterceptor(o.authorization));
  return list;
}

/** A Connect-protocol transport over `httpClient`, every answer capped at `maxResponseBytes`. */
function cappedTransport(
  o: ResolvedOptions,
  httpClient: UniversalClientFn,
  useBinaryFormat: boolean,
  acceptCompression: Compression[],
): Transport {
  const limit = o.maxResponseBytes;
  return createTransport({
    httpClient: limitHttpClient(httpClient, limit),
    baseUrl: o.baseUrl,
    useBinaryFormat,
    interceptors: [],
    jsonOptions,
    acceptCompression: acceptCompression.map((c) => limitCompression(c, limit)),
    sendCompression: null,
    ...validateReadWriteMaxBytes(limit, undefined, undefined),
  });
}

function fetchJsonTransport(o: ResolvedOptions, fetchFn: typeof globalThis.fetch): Transport {
  // fetch inflates a compressed body itself, so the cap on received bytes is the cap on inflated bytes.
  return cappedTransport(o, createFetchHttpClient(fetchFn), false, []);
}

/** The inner transports: one for the generated services, one (always JSON) for getLimits. */
function buildTransports(o: ResolvedOptions): { rpc: Transport; tenant: Transport } {
  if (o.transport !== undefined) {
    return { rpc: o.transport, tenant: fetchJsonTransport(o, o.fetch ?? globalThis.fetch) };
  }
  // connect-node loads on the first call (lazy-node-http.ts); one client, so one HTTP/2 session, for both.
  const compression = lazyNodeCompressions();
  const httpClient: UniversalClientFn = lazyNodeHttpClient(o.baseUrl, o.httpVersion);
  return {
    rpc: cappedTransport(o, httpClient, o.useBinaryFormat, compression),
    tenant: o.fetch !== undefined ? fetchJsonTransport(o, o.fetch) : cappedTransport(o, httpClient, false, compression),
  };
}

/**
 * Creates the client. Throws ConfigurationError (naming the option) for
 * options that cannot work; nothing is sent until a method is called.
 */
export function createFleetClient(options: FleetClientOptions): FleetClient {
  const o = resolveOptions(options);
  const redact = createRedactor(o.secrets);
  const log = createLog(o.logger, o.logLevel, redact);
  // One chain (and so one rate limiter) shared by every service of this client.
  const interceptors = buildInterceptors(o, log, redact);
  const compose = { baseUrl: o.baseUrl, defaultTimeoutMs: o.timeoutMs, clock: o.clock };
  const inner = buildTransports(o);
  const rpc = withInterceptors(inner.rpc, interceptors, compose);
  const tenant = createClient(TenantService, withInterceptors(inner.tenant, interceptors, compose));

  const rawPipelines = createClient(PipelineService, rpc);
  const rawCollectors = createClient(CollectorService, rpc);
  return {
    baseUrl: o.baseUrl,
    // The resource methods sit beside the generated ones (no name is shared).
    pipelines: { ...rawPipelines, ...createPipelinesResource(rawPipelines) },
    collectors: { ...rawCollectors, ...createCollectorsResource(rawCollectors) },
    raw: { pipelines: rawPipelines, collectors: rawCollectors },
    async getLimits(options) {
      const response = await tenant.getLimits({}, callOptions(options));
      return parseTenantLimits(toJson(StructSchema, response));
    },
  };
}
