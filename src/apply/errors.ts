import { FleetError } from "../errors/index.js";
import type { Finding } from "../plan/index.js";
import type { ApplyResult } from "./types.js";

/**
 * Why an apply failed: some writes failed, the read-back differs, the service changed since the plan,
 * the signal aborted, or a write replaced another writer's change.
 */
export type ApplyErrorCode = "APPLY_FAILED" | "VERIFY_FAILED" | "STALE_PLAN" | "APPLY_ABORTED" | "OVERWRITE_DETECTED";

/**
 * An apply that did not reach the desired state, or that replaced another
 * writer's pipeline (`OVERWRITE_DETECTED`: `result.overwritten` holds what was
 * lost, ready to be restored). `result` says what was done
 * before it stopped (absent for STALE_PLAN, where nothing was written);
 * `finding` is the STALE_PLAN finding.
 */
export class ApplyError extends FleetError {
  override readonly code: ApplyErrorCode;
  /** What was done before the apply stopped; absent when nothing was written. */
  readonly result?: ApplyResult;
  /** The `STALE_PLAN` finding, for a stale plan. */
  readonly finding?: Finding;

  constructor(
    code: ApplyErrorCode,
    message: string,
    details: { result?: ApplyResult; finding?: Finding; cause?: unknown } = {},
  ) {
    super(code, message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = "ApplyError";
    this.code = code;
    if (details.result) this.result = details.result;
    if (details.finding) this.finding = details.finding;
  }
}
