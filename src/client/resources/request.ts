// What every resource method shares: per-call options, and one way to call
// the raw client so that a failure becomes a FleetApiError naming the procedure.
import type { DescService } from "@bufbuild/protobuf";
import type { CallOptions } from "@connectrpc/connect";
import { FleetApiError } from "../api-error.js";

/** Options of one resource call. */
export interface RequestOptions {
  /** Cancels the call (and its retries); the call then fails with code `CANCELED`. */
  signal?: AbortSignal | undefined;
  /** Overrides the client's `timeoutMs` for this call, retries included; 0 = no deadline. */
  timeoutMs?: number | undefined;
  /** Extra request headers. */
  headers?: Headers | Record<string, string> | [string, string][] | undefined;
}

/** Options of a call that writes. */
export interface WriteOptions extends RequestOptions {
  /** Let the service check the write and answer what it would store, storing nothing. Default false. */
  validateOnly?: boolean | undefined;
}

export function callOptions(options: RequestOptions | undefined): CallOptions {
  const out: CallOptions = {};
  if (options?.signal !== undefined) out.signal = options.signal;
  if (options?.timeoutMs !== undefined) out.timeoutMs = options.timeoutMs;
  if (options?.headers !== undefined) out.headers = options.headers;
  return out;
}

/** Runs one raw call; a failure is rethrown as the matching FleetApiError with the procedure. */
export async function call<T>(service: DescService, method: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw FleetApiError.from(error, { procedure: `${service.typeName}/${method}` });
  }
}
