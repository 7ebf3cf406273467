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
    name: "plan",
    summary: "Show what an apply would change, and run the safety checks",
    load: async () => (await import("./plan.js")).planCommand,
  },
  {
    name: "apply",
    summary: "Plan, check, apply (sync or fallback) and verify",
    load: async () => (await import("./apply.js")).applyCommand,
  },
  {
    name: "validate",
    summary: "Check pipeline files locally, and with --remote on the service (validate_only)",
    load: async () => (await import("./validate.js")).validateCommand,
  },
  {
    name: "diff",
    summary: "Report drift: where the service differs from the folder (exit 2 when it does)",
    load: async () => (await import("./diff.js")).diffCommand,
  },
  {
    name: "export",
    summary: "Write the service's pipelines as files in the folder format",
    load: async () => (await import("./export.js")).exportCommand,
  },
  {
    name: "fmt",
    summary: "Format Alloy files like alloy fmt (--check lists, --write rewrites)",
    load: async () => (await import("./fmt.js")).fmtCommand,
  },
  {
    name: "emulator",
    summary: "Run a local Fleet Management emulator (for demos and tests)",
    load: async () => (await import("./emulator.js")).emulatorCommand,
  },
];

export function findCommand(name: string): CommandEntry | undefined {
  return COMMANDS.find((c) => c.name === name);
}
