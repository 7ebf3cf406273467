// The CLI's exit codes, stable for scripts and CI.

/** Success: nothing to do, or done. */
export const EXIT_OK = 0;
/** Could not run: flags, network, auth, server (for `validate`: a file has errors). */
export const EXIT_ERROR = 1;
/** Changes present (`--detailed-exitcode`, `diff`). */
export const EXIT_CHANGES = 2;
/** Blocked: a problem in the folder's content (whichever stage found it) or a safety check. */
export const EXIT_BLOCKED = 3;
