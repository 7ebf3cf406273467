// The CLI as a library: for tests and for tools that embed the commands.
export { runCli, rootUsage, PROGRAM } from "./run.js";
export { parseFlags, numberFlag, UsageError } from "./command.js";
export type { CliCommand } from "./command.js";
export type { CliIo, CliOutput } from "./io.js";
export { COMMANDS, findCommand } from "./commands/index.js";
export type { CommandEntry } from "./commands/index.js";
export { EXIT_OK, EXIT_ERROR, EXIT_CHANGES, EXIT_BLOCKED } from "./exit-codes.js";
