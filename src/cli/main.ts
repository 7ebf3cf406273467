// The executable (`fleet-pipelines`, built to dist/cli.js). The only place
// that reads process.env, listens to signals and exits the process.
//
// Start-up: `--version` and help are answered here, before the dispatcher
// and the commands (which load the client, the loader and the protobuf
// runtime) are imported. Command help comes from cli-help.json, which the
// build writes beside dist/cli.js from the commands themselves; without it
// (running from src/) the command is loaded for its help as usual.
import { readFileSync } from "node:fs";
import { VERSION } from "../version.js";
import { EXIT_ERROR, EXIT_OK } from "./exit-codes.js";

/** What the build writes to dist/cli-help.json (see tsup.config.ts). */
interface HelpSnapshot {
  root: string;
  commands: Record<string, string>;
}

function helpSnapshot(): HelpSnapshot | undefined {
  try {
    const parsed = JSON.parse(readFileSync(new URL("./cli-help.json", import.meta.url), "utf8")) as Partial<HelpSnapshot>;
    return typeof parsed.root === "string" && typeof parsed.commands === "object" && parsed.commands !== null
      ? (parsed as HelpSnapshot)
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The answer to `--version`, `--help`, `help [command]` and `<command>
 * --help|-h` (before any `--`), as runCli would give it; undefined for
 * anything else, which goes to runCli.
 */
function quickAnswer(argv: readonly string[]): { text: string; toStderr: boolean; code: number } | undefined {
  const [first, ...rest] = argv;
  if (first === "--version" || first === "-v") return { text: VERSION, toStderr: false, code: EXIT_OK };
  const help = first === undefined || first === "--help" || first === "-h" || first === "help" || rest.length > 0 ? helpSnapshot() : undefined;
  if (help === undefined) return undefined;
  if (first === undefined) return { text: help.root, toStderr: true, code: EXIT_ERROR };
  if (first === "--help" || first === "-h" || (first === "help" && rest.length === 0)) return { text: help.root, toStderr: false, code: EXIT_OK };
  const commands = new Map(Object.entries(help.commands));
  if (first === "help") {
    const usage = commands.get(rest[0]!);
    return usage !== undefined ? { text: usage, toStderr: false, code: EXIT_OK } : undefined;
  }
  const end = rest.indexOf("--");
  const flags = end < 0 ? rest : rest.slice(0, end);
  const usage = commands.get(first);
  if (usage !== undefined && (flags.includes("--help") || flags.includes("-h"))) return { text: usage, toStderr: false, code: EXIT_OK };
  return undefined;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const quick = quickAnswer(argv);
  if (quick !== undefined) {
    (quick.toStderr ? process.stderr : process.stdout).write(quick.text + "\n");
    process.exitCode = quick.code;
    return;
  }

  // A reader that went away (a closed pipe, a killed parent) must not crash
  // the command while it cleans up: the writes are dropped instead.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code !== "EPIPE") throw error;
    });
  }

  const controller = new AbortController();
  const onSignal = (): void => {
    if (controller.signal.aborted) {
      // A second Ctrl-C while stopping: give up at once.
      process.exit(EXIT_ERROR);
    }
    controller.abort();
  };
  // SIGHUP too: the terminal (or the session) that ran us is gone.
  const signals = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
  for (const signal of signals) process.on(signal, onSignal);

  const { runCli } = await import("./run.js");
  const code = await runCli(argv, {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
    isTTY: Boolean(process.stdout.isTTY),
    signal: controller.signal,
  });

  for (const signal of signals) process.off(signal, onSignal);
  process.exitCode = code;
  // Exit once the output is flushed; a handle left open by mistake must not keep the CLI alive.
  setTimeout(() => process.exit(code), 2000).unref();
}

await main();
