// Plain data for one Alertmanager matcher, as parsed from `name op value`.

/** `=` equal, `!=` not equal, `=~` RE2 regex match, `!~` RE2 regex non-match. */
export type MatchOperator = "=" | "!=" | "=~" | "!~";

/** One parsed matcher: the attribute name, the operator and the unquoted value. */
export interface Matcher {
  /** The attribute name, unquoted. */
  name: string;
  /** The operator. */
  op: MatchOperator;
  /** The value, unquoted (a regular expression for `=~` and `!~`). */
  value: string;
}

/** How `matches` treats an empty matcher list. */
export interface MatchOptions {
  /**
   * `"all"` (default, pure Alertmanager semantics): an empty list matches every
   * attribute set. `"none"`: an empty list matches nothing (what Fleet
   * Management is suspected to do for a pipeline without matchers).
   */
  emptyMatchers?: "all" | "none" | undefined;
}

/** The longest accepted matcher text, in characters (Unicode code points). */
export const MAX_MATCHER_LENGTH = 200;

/**
 * What a pipeline with no matchers reaches on Fleet Management: no collector.
 * The service does not document it; its docs give `collector.os=~".+"` as the
 * catch-all, which would be pointless if an empty list already matched
 * everything. The plan's collector preview and the emulator's GetConfig both
 * use this one value (the emulator can be switched for experiments).
 */
export const FLEET_EMPTY_MATCHERS: "all" | "none" = "none";
