// The command registry. Each command lives in its own file and is imported
// only when it runs (or its help is asked for), so that `--version` and
// `--help` load nothing heavy. To add a command: create
// `commands/<name>.ts` exporting a CliCommand, and add one entry here.
import type { CliCommand } from "../command.js";

export interface CommandEntry {
  name: string;
  /** Shown by `--help` without loading the command; keep equal to the command's own. */
  summary: string;
  load(): Promise<CliCommand>;
}

export const COMMANDS: readonly CommandEntry[] = [
  {
    name: "emulator",
    summary: "Run a local Fleet Management emulator (for demos and tests)",
    load: async () => (await import("./emulator.js")).emulatorCommand,
  },
];

export function findCommand(name: string): CommandEntry | undefined {
  return COMMANDS.find((c) => c.name === name);
}
