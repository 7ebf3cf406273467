// The error a plan with blocking findings raises when someone tries to apply it.
import { FleetError } from "../errors/index.js";
import type { Finding, SyncPlan } from "./types.js";

/** Thrown when a blocking finding stops an apply. `findings` holds the blocking ones. */
export class SafetyCheckError extends FleetError {
  /** The blocking findings. */
  readonly findings: Finding[];

  constructor(findings: Finding[], options?: { cause?: unknown }) {
    const first = findings[0];
    const summary =
      first === undefined
        ? "the plan is blocked"
        : findings.length === 1
          ? `the plan is blocked by ${first.code}: ${first.message}`
          : `the plan is blocked by ${findings.length} safety checks (${[...new Set(findings.map((f) => f.code))].join(", ")}); first: ${first.message}`;
    super("SAFETY_CHECK", summary, options);
    this.name = "SafetyCheckError";
    this.findings = findings;
  }
}

/** Throws SafetyCheckError when the plan is blocked. */
export function assertApplicable(plan: SyncPlan): void {
  if (!plan.blocked) return;
  throw new SafetyCheckError(plan.findings.filter((f) => f.blocking));
}
