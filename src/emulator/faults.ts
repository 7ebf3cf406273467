// Seeded random faults for reliability tests. Every kind says when it
// strikes: "before" the call is handled (nothing changed on the server) or
// "after" it (the change is stored, yet the client sees a failure) — the
// second is what idempotent retries must survive.
import { ConfigurationError } from "../errors/index.js";
import { createPrng } from "./prng.js";

/** A kind of fault the emulator can inject; `FAULT_PHASES` says when each strikes. */
export type FaultKind =
  /** 503 `unavailable`, before handling. */
  | "unavailable"
  /** 429 `resource_exhausted` with `Retry-After`, before handling. */
  | "rate_limited"
  /** The connection is cut before handling. */
  | "drop"
  /** The call is handled and stored, then answered 503 `unavailable`. */
  | "unavailable_after"
  /** The call is handled and stored, then the connection is cut. */
  | "drop_after"
  /** The call is handled and stored, and answered only after the client's deadline. */
  | "timeout";

/** Whether a fault strikes before the call is handled (nothing changed) or after (the change is stored). */
export type FaultPhase = "before" | "after";

/** When each fault kind strikes relative to the handling of the call. */
export const FAULT_PHASES: Readonly<Record<FaultKind, FaultPhase>> = {
  unavailable: "before",
  rate_limited: "before",
  drop: "before",
  unavailable_after: "after",
  drop_after: "after",
  timeout: "after",
};

/** Every fault kind. */
export const FAULT_KINDS: readonly FaultKind[] = Object.keys(FAULT_PHASES) as FaultKind[];

/** Seeded random faults: which calls fail, how, and how often. */
export interface FaultOptions {
  /** Probability in [0, 1] that an eligible call gets a fault. */
  rate: number;
  /** PRNG seed; the same seed and call sequence give the same faults. Default 1. */
  seed?: number | undefined;
  /** The kinds to draw from, uniformly. Default: all of `FAULT_KINDS`. */
  kinds?: readonly FaultKind[] | undefined;
  /**
   * Only these RPCs are eligible, by method name (`UpsertPipeline`) or full
   * procedure (`pipeline.v1.PipelineService/UpsertPipeline`). Default: all.
   */
  methods?: readonly string[] | undefined;
  /**
   * Most faults in total; later calls pass untouched. With `rate: 1`, `limit:
   * 1` fails exactly the first eligible call (a lost answer, then the retry
   * goes through). Default: no limit.
   */
  limit?: number | undefined;
  /** `Retry-After` seconds sent with a `rate_limited` fault. Default 1. */
  retryAfterSeconds?: number | undefined;
  /**
   * How long a `timeout` fault holds the answer when the request carries no
   * `Connect-Timeout-Ms`. Default 5000.
   */
  holdMs?: number | undefined;
}

/** The fault drawn for one call. */
export interface FaultDecision {
  /** What fails. */
  kind: FaultKind;
  /** When it strikes. */
  phase: FaultPhase;
}

export interface FaultInjector {
  readonly options: Readonly<FaultOptions> | undefined;
  /** Draws the fault, if any, for one call of `procedure` (`pkg.Service/Method`). */
  decide(procedure: string): FaultDecision | undefined;
}

export function checkFaultOptions(options: FaultOptions): void {
  if (!(options.rate >= 0 && options.rate <= 1)) {
    throw new ConfigurationError(`faults.rate must be between 0 and 1, got ${String(options.rate)}`);
  }
  for (const kind of options.kinds ?? []) {
    if (!(kind in FAULT_PHASES)) {
      throw new ConfigurationError(`unknown fault kind "${String(kind)}"; known: ${FAULT_KINDS.join(", ")}`);
    }
  }
  if (options.limit !== undefined && !(Number.isInteger(options.limit) && options.limit >= 0)) {
    throw new ConfigurationError(`faults.limit must be a non-negative integer, got ${String(options.limit)}`);
  }
  if (options.kinds !== undefined && options.kinds.length === 0) {
    throw new ConfigurationError("faults.kinds must name at least one kind");
  }
}

export function createFaultInjector(options: FaultOptions | undefined): FaultInjector {
  if (options === undefined || options.rate === 0) {
    return { options, decide: () => undefined };
  }
  checkFaultOptions(options);
  const random = createPrng(options.seed ?? 1);
  const kinds = options.kinds ?? FAULT_KINDS;
  const methods = options.methods;
  let left = options.limit ?? Infinity;
  return {
    options,
    decide(procedure) {
      if (methods !== undefined) {
        const method = procedure.slice(procedure.lastIndexOf("/") + 1);
        if (!methods.includes(method) && !methods.includes(procedure)) return undefined;
      }
      // Two draws per eligible call, always, so a seed fixes the whole sequence.
      const hit = random() < options.rate;
      const pick = random();
      if (!hit || left <= 0) return undefined;
      left--;
      const kind = kinds[Math.min(kinds.length - 1, Math.floor(pick * kinds.length))]!;
      return { kind, phase: FAULT_PHASES[kind] };
    },
  };
}
