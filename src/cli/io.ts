// Everything a command may touch of the outside world, injected so that a
// command runs in a test exactly as it runs from a terminal. Only main.ts
// builds the real one from `process`.

export interface CliOutput {
  write(text: string): unknown;
}

export interface CliIo {
  stdout: CliOutput;
  stderr: CliOutput;
  /** The environment (FLEET_URL, FLEET_USER, FLEET_TOKEN, GITHUB_ACTIONS, …). */
  env: Readonly<Record<string, string | undefined>>;
  /** Relative paths in flags resolve against this folder. */
  cwd: string;
  /** Whether stdout is a terminal (colour, progress). */
  isTTY: boolean;
  /** Aborted on SIGINT/SIGTERM: long-running commands stop cleanly and return. */
  signal: AbortSignal;
}
