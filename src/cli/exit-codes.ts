// The CLI's exit codes, stable for scripts and CI.

/** Success: nothing to do, or done. */
export const EXIT_OK = 0;
/** Error: bad input or flags, network, auth, server. */
export const EXIT_ERROR = 1;
/** Changes present (`--detailed-exitcode`, `diff`). */
export const EXIT_CHANGES = 2;
/** Blocked by a safety check. */
export const EXIT_BLOCKED = 3;
