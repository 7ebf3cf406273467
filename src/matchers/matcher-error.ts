import { FleetError } from "../errors/index.js";

// Long inputs (fuzzing, pasted garbage) would make unreadable messages.
const MAX_QUOTED_INPUT = 80;

function quoteForMessage(input: string): string {
  const chars = Array.from(input.length > MAX_QUOTED_INPUT * 2 ? input.slice(0, MAX_QUOTED_INPUT * 2) : input);
  const shown = chars.length > MAX_QUOTED_INPUT ? `${chars.slice(0, MAX_QUOTED_INPUT).join("")}…` : chars.join("");
  return JSON.stringify(shown);
}

/** A matcher that does not parse, or whose regex RE2 refuses. */
export class MatcherError extends FleetError {
  /** The matcher text as given. */
  readonly input: string;
  /** 0-based offset, in code points, where the problem was found. */
  readonly position: number;
  /** Why the matcher is invalid, without the input or the position. */
  readonly reason: string;

  constructor(input: string, position: number, reason: string, options?: { cause?: unknown }) {
    super("INVALID_MATCHER", `invalid matcher ${quoteForMessage(input)}: ${reason} at position ${position}`, options);
    this.name = "MatcherError";
    this.input = input;
    this.position = position;
    this.reason = reason;
  }
}
