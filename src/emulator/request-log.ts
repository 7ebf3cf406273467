// What the emulator saw, call by call, for tests written in any language.
import type { FaultKind, FaultPhase } from "./faults.js";

/** One call the emulator answered, as `requests()` and `GET /_emulator/requests` list it. */
export interface RequestLogEntry {
  /** Arrival order, from 1. */
  seq: number;
  /** `pipeline.v1.PipelineService`, `collector.v1.CollectorService`, `tenant.v1.TenantService`, or "" for other paths. */
  service: string;
  /** `UpsertPipeline`, …; the path for anything that is not an RPC route. */
  method: string;
  /** When the call arrived, RFC 3339 with milliseconds. */
  time: string;
  /** Arrival to end of response (or to the cut), in milliseconds. */
  durationMs: number;
  /** The HTTP version of the call. */
  httpVersion: "1.1" | "2";
  /** From the request's Content-Type. */
  format: "json" | "binary" | "other";
  /** The HTTP status sent; absent when the connection was cut. */
  status?: number;
  /** What the client was told: `ok`, a Connect code such as `not_found`, or `dropped`. */
  code: string;
  /**
   * What the handler itself returned (`ok` or a Connect code); absent when the
   * call was never handled (refused by auth, rate limit or a "before" fault).
   */
  handlerCode?: string;
  /** The fault injected, if any. */
  fault?: { kind: FaultKind; phase: FaultPhase };
}

export class RequestLog {
  private entries: RequestLogEntry[] = [];
  private nextSeq = 1;

  constructor(private readonly limit: number) {}

  allocateSeq(): number {
    return this.nextSeq++;
  }

  add(entry: RequestLogEntry): void {
    this.entries.push(entry);
    // Trim in batches so that a long benchmark stays O(1) per call.
    if (this.entries.length > this.limit * 1.25) this.entries = this.entries.slice(-this.limit);
  }

  list(): RequestLogEntry[] {
    const kept = this.entries.length > this.limit ? this.entries.slice(-this.limit) : this.entries;
    return kept.map((e) => ({ ...e, ...(e.fault ? { fault: { ...e.fault } } : {}) }));
  }

  clear(): void {
    this.entries = [];
    this.nextSeq = 1;
  }
}
