// Bookkeeping shared by the executors: counting RPCs and turning thrown
// errors into plain failure records.
import { Code, ConnectError } from "@connectrpc/connect";
import { ConfigurationError } from "../errors/index.js";
import type { ActionKind } from "../plan/index.js";
import type { ApplyFailure, CallCounts } from "./types.js";
import { unknownOutcome } from "./unknown-outcome.js";

/** Counts the RPCs one operation makes, by method name. */
export class CallLog {
  private readonly counts = new Map<string, number>();

  count(method: string): void {
    this.counts.set(method, (this.counts.get(method) ?? 0) + 1);
  }

  snapshot(): CallCounts {
    const byMethod: Record<string, number> = {};
    let total = 0;
    for (const [method, n] of [...this.counts].sort(([a], [b]) => a.localeCompare(b))) {
      byMethod[method] = n;
      total += n;
    }
    return { total, byMethod };
  }
}

/** `Code.InvalidArgument` → `invalid_argument`, as on the wire. */
export function codeName(code: Code): string {
  const name = Code[code] ?? "unknown";
  return name.replace(/([a-z])([A-Z])/g, "$1_$2").toLowerCase();
}

/** The Connect code of an error, or undefined when it is not an RPC error. */
export function connectCode(err: unknown): Code | undefined {
  return err instanceof ConnectError ? err.code : undefined;
}

export function isAbort(err: unknown, signal?: AbortSignal): boolean {
  if (signal?.aborted) return true;
  if (err instanceof ConnectError) return err.code === Code.Canceled;
  return err instanceof Error && err.name === "AbortError";
}

/** A failure record. Messages come from the server or the transport, never from request headers. */
export function failureFrom(err: unknown, action: ActionKind | "sync", name?: string): ApplyFailure {
  let code: string;
  let message: string;
  if (err instanceof ConnectError) {
    code = codeName(err.code);
    message = err.rawMessage;
  } else if (err instanceof Error) {
    code = err.name === "AbortError" ? "aborted" : "unknown";
    message = err.message;
  } else {
    code = "unknown";
    message = String(err);
  }
  const failure: ApplyFailure = name === undefined ? { action, code, message } : { action, name, code, message };
  if (unknownOutcome(err)) failure.outcomeUnknown = true;
  return failure;
}

/**
 * The `concurrency` option, checked before anything is sent: NaN or 0 would
 * start no worker, and the writes would silently not happen.
 */
export function resolveConcurrency(value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1) {
    throw new ConfigurationError(`concurrency must be an integer >= 1, got ${String(value)}`);
  }
  return value;
}

/** Runs `work` over `items` with at most `limit` in flight; stops starting new ones once `stop()` says so. */
export async function runPool<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
  stop: () => boolean,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length && !stop()) {
      const item = items[next++]!;
      await work(item);
    }
  };
  const workers = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker);
  await Promise.all(workers);
}
