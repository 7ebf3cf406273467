// Dispatch: global flags, `help`, and the chosen command, with every error
// turned into a message on stderr and an exit code. Nothing here exits the
// process or reads process.env: main.ts does that.
import { VERSION } from "../version.js";
import { safeText } from "../render/index.js";
import { COMMANDS, findCommand } from "./commands/index.js";
import { EXIT_ERROR, EXIT_OK } from "./exit-codes.js";
import { reportFailure } from "./failure.js";
import { UsageError } from "./command.js";
import { suggest } from "./suggest.js";
import type { CliIo } from "./io.js";

export const PROGRAM = "fleet-pipelines";

export function rootUsage(): string {
  let width = 0;
  for (const c of COMMANDS) width = Math.max(width, c.name.length);
  return [
    `Usage: ${PROGRAM} <command> [flags]`,
    "",
    "Keep Grafana Fleet Management pipelines in Git and push them safely.",
    "",
    "Commands:",
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    "",
    "Global flags:",
    "  -h, --help     show help (also: help <command>, <command> --help)",
    "  -v, --version  print the version",
    "",
    "Environment: FLEET_URL, FLEET_USER (stack id), FLEET_TOKEN.",
    "Exit codes: 0 success, 1 could not run (flags, network, auth, server), 2 changes present,",
    "3 blocked (a problem in the folder's files, or a safety check). With --json, stdout holds",
    "one JSON document, failures included.",
  ].join("\n");
}

/** Flags before `--` only: after it everything is an argument. */
function flagsOf(argv: string[]): string[] {
  const end = argv.indexOf("--");
  return end < 0 ? argv : argv.slice(0, end);
}

function wantsHelp(argv: string[]): boolean {
  const flags = flagsOf(argv);
  return flags.includes("--help") || flags.includes("-h");
}

/** The value of `--dir` as given (for the load-failure headline), if any. */
function dirFlag(argv: string[]): string | undefined {
  const flags = flagsOf(argv);
  for (let i = 0; i < flags.length; i++) {
    const flag = flags[i]!;
    if (flag === "--dir") return flags[i + 1];
    if (flag.startsWith("--dir=")) return flag.slice("--dir=".length);
  }
  return undefined;
}

// A mistake on the command line gets one line: what was wrong, the likely
// intended word, and where the full help is (not the help itself).
function unknownCommand(name: string, io: CliIo): number {
  const guess = suggest(name, COMMANDS.map((c) => c.name));
  const hint = guess !== undefined ? `; did you mean ${guess}?` : "";
  io.stderr.write(`error: unknown command ${safeText(JSON.stringify(name))}${hint} See '${PROGRAM} --help'.\n`);
  return EXIT_ERROR;
}

function withHelpPointer(error: UsageError, command: string): UsageError {
  const message = error.message.replace(/\.$/, "");
  return new UsageError(`${message}${/[?!]$/.test(message) ? "" : "."} See '${PROGRAM} ${command} --help'.`);
}

function unknownRootFlag(flag: string, io: CliIo): number {
  const guess = suggest(flag, ["--help", "--version"]);
  const hint = guess !== undefined ? `; did you mean ${guess}?` : "";
  io.stderr.write(`error: unknown flag ${safeText(JSON.stringify(flag))}${hint} See '${PROGRAM} --help'.\n`);
  return EXIT_ERROR;
}

export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined || first === "--help" || first === "-h") {
    (first === undefined ? io.stderr : io.stdout).write(rootUsage() + "\n");
    return first === undefined ? EXIT_ERROR : EXIT_OK;
  }
  if (first === "--version" || first === "-v") {
    io.stdout.write(`${VERSION}\n`);
    return EXIT_OK;
  }
  if (first === "help") {
    const topic = rest[0];
    if (topic === undefined) {
      io.stdout.write(rootUsage() + "\n");
      return EXIT_OK;
    }
    const entry = findCommand(topic);
    if (entry === undefined) return unknownCommand(topic, io);
    io.stdout.write((await entry.load()).usage + "\n");
    return EXIT_OK;
  }
  if (first.startsWith("-")) return unknownRootFlag(first, io);
  const entry = findCommand(first);
  if (entry === undefined) return unknownCommand(first, io);
  const command = await entry.load();
  if (wantsHelp(rest)) {
    io.stdout.write(command.usage + "\n");
    return EXIT_OK;
  }
  // Whether the command wrote to stdout: under --json a failure then adds no second document.
  let wroteStdout = false;
  const tracked: CliIo = {
    ...io,
    stdout: {
      write: (text: string) => {
        wroteStdout = true;
        return io.stdout.write(text);
      },
    },
  };
  try {
    return await command.run(rest, tracked);
  } catch (error) {
    const dir = dirFlag(rest);
    // A usage error is one line ending with where the help is; the help itself would bury it.
    const failure = error instanceof UsageError ? withHelpPointer(error, command.name) : error;
    return reportFailure(failure, {
      io,
      json: flagsOf(rest).includes("--json"),
      wroteStdout,
      ...(dir !== undefined ? { dir } : {}),
    });
  }
}
