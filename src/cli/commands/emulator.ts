// `fleet-pipelines emulator`: the local Fleet Management emulator as a
// long-running process, until SIGINT/SIGTERM/SIGHUP or until the process
// that started it is gone.
import { resolve } from "node:path";
import { FAULT_KINDS, startEmulator, type EmulatorOptions, type FaultKind, type RequestLogEntry } from "../../emulator/index.js";
import { numberFlag, parseFlags, UsageError, type CliCommand } from "../command.js";
import { safeText } from "../../render/index.js";
import { watchParent } from "../parent-watch.js";
import { readToken } from "../token.js";
import { EXIT_OK } from "../exit-codes.js";
import type { CliIo } from "../io.js";

const usage = `Usage: fleet-pipelines emulator [flags]

Runs an in-memory Fleet Management service (pipeline.v1, collector.v1
management, tenant.v1 GetLimits) on a local port, HTTP/1.1 and h2c, JSON and
binary. Stops cleanly on Ctrl-C (SIGINT), SIGTERM or SIGHUP, and when the
process that started it exits (see --detached).

Flags:
  --port P               TCP port; 0 picks a free one (default 0)
  --host H               interface to listen on (default 127.0.0.1)
  --pipeline-limit N     most pipelines the stack may hold (default 200)
  --rps R                calls per second before 429 resource_exhausted (default: no limit)
  --agent-rps R          the same for GetConfig and RegisterCollector, which collectors
                         call and the service limits apart (default: no limit)
  --latency-ms L         delay added to every call (default 0)
  --fault-rate F         probability in [0, 1] of a random fault per call (default 0)
  --fault-kinds K,K      kinds to draw from (default all): ${FAULT_KINDS.join(", ")}
  --seed S               seed of the fault sequence (default 1)
  --empty-matchers M     what a pipeline without matchers matches: none | all (default none)
  --no-alloy-check       store Alloy contents that do not parse (by default a write of
                         such contents is refused with invalid_argument, as the service does)
  --user U               require HTTP Basic auth with this user (stack id)
  --token-file FILE      the auth token, read from FILE (or env FLEET_EMULATOR_TOKEN)
  --state FILE           load the state from FILE and save every change to it
  --verbose              print one line per call to stderr
  --json                 once ready, print one JSON line to stdout and nothing else there:
                         {"url","host","port","pid"} (and "user" with --user)
  --detached             keep running after the process that started it exits
                         (by default it stops then, so that a killed script or
                         npx leaves no emulator behind)
  -h, --help             show this help

A token is never taken from the command line (it would show in the process
list and the shell history): use --token-file or FLEET_EMULATOR_TOKEN.

Inspection (no auth): GET /_emulator/state, GET /_emulator/requests,
POST /_emulator/reset, POST /_emulator/seed, GET|POST /_emulator/faults.`;

const flags = {
  port: { type: "string" },
  host: { type: "string" },
  "pipeline-limit": { type: "string" },
  rps: { type: "string" },
  "agent-rps": { type: "string" },
  "latency-ms": { type: "string" },
  "fault-rate": { type: "string" },
  "fault-kinds": { type: "string" },
  seed: { type: "string" },
  "empty-matchers": { type: "string" },
  "no-alloy-check": { type: "boolean" },
  user: { type: "string" },
  "token-file": { type: "string" },
  token: { type: "string" },
  state: { type: "string" },
  verbose: { type: "boolean" },
  json: { type: "boolean" },
  detached: { type: "boolean" },
} as const;


function faultKinds(value: string | undefined): FaultKind[] | undefined {
  if (value === undefined) return undefined;
  const kinds = value.split(",").map((k) => k.trim()).filter((k) => k !== "");
  for (const kind of kinds) {
    if (!FAULT_KINDS.includes(kind as FaultKind)) {
      throw new UsageError(`--fault-kinds: unknown kind ${JSON.stringify(kind)}; known: ${FAULT_KINDS.join(", ")}`);
    }
  }
  if (kinds.length === 0) throw new UsageError("--fault-kinds needs at least one kind");
  return kinds as FaultKind[];
}

function describeCall(e: RequestLogEntry): string {
  const fault = e.fault ? ` fault=${e.fault.kind}(${e.fault.phase})` : "";
  // The service and method come from the request path: whatever a client sent.
  const name = e.service === "" ? e.method : `${e.service}/${e.method}`;
  return safeText(`${e.time} ${name} ${e.code} ${e.durationMs.toFixed(1)}ms HTTP/${e.httpVersion} ${e.format}${fault}`) + "\n";
}

function waitForAbort(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
}

async function run(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseFlags(argv, flags);
  if (values.token !== undefined) {
    throw new UsageError(
      "--token is refused: a token on the command line shows in the process list and the shell history. " +
        "Use --token-file FILE or the environment variable FLEET_EMULATOR_TOKEN.",
    );
  }
  const user = values.user ?? (io.env["FLEET_EMULATOR_USER"] || undefined);
  const token = await readToken(values["token-file"], "FLEET_EMULATOR_TOKEN", io);
  if (user !== undefined && token === undefined) {
    throw new UsageError("--user needs a token: --token-file FILE or FLEET_EMULATOR_TOKEN");
  }
  if (token !== undefined && user === undefined) {
    throw new UsageError("a token was given (--token-file or FLEET_EMULATOR_TOKEN) but no --user");
  }
  const emptyMatchers = values["empty-matchers"];
  if (emptyMatchers !== undefined && emptyMatchers !== "none" && emptyMatchers !== "all") {
    throw new UsageError(`--empty-matchers must be "none" or "all", got ${JSON.stringify(emptyMatchers)}`);
  }
  const faultRate = numberFlag("fault-rate", values["fault-rate"], { min: 0, max: 1 });
  const kinds = faultKinds(values["fault-kinds"]);
  const seed = numberFlag("seed", values.seed, { integer: true });
  if (faultRate === undefined && (kinds !== undefined || seed !== undefined)) {
    throw new UsageError("--fault-kinds and --seed need --fault-rate");
  }
  const port = numberFlag("port", values.port, { integer: true, min: 0, max: 65535 });
  const pipelineLimit = numberFlag("pipeline-limit", values["pipeline-limit"], { integer: true, min: 0 });
  const rps = numberFlag("rps", values.rps, { min: 0 });
  const agentRps = numberFlag("agent-rps", values["agent-rps"], { min: 0 });
  const latencyMs = numberFlag("latency-ms", values["latency-ms"], { min: 0 });

  const options: EmulatorOptions = {
    ...(port !== undefined ? { port } : {}),
    ...(values.host !== undefined ? { host: values.host } : {}),
    ...(pipelineLimit !== undefined ? { pipelineLimit } : {}),
    ...(rps !== undefined && rps > 0 ? { rps } : {}),
    ...(agentRps !== undefined && agentRps > 0 ? { agentRps } : {}),
    ...(latencyMs !== undefined ? { latencyMs } : {}),
    ...(emptyMatchers !== undefined ? { emptyMatchers } : {}),
    ...(values["no-alloy-check"] ? { checkAlloySyntax: false } : {}),
    ...(values.state !== undefined ? { stateFile: resolve(io.cwd, values.state) } : {}),
    ...(user !== undefined && token !== undefined ? { auth: { user, token } } : {}),
    ...(faultRate !== undefined
      ? { faults: { rate: faultRate, ...(seed !== undefined ? { seed } : {}), ...(kinds !== undefined ? { kinds } : {}) } }
      : {}),
    ...(values.verbose ? { onRequest: (e: RequestLogEntry) => void io.stderr.write(describeCall(e)) } : {}),
    onStateFileError: (error) => void io.stderr.write(`warning: cannot write the state file: ${safeText((error as Error).message)}\n`),
  };

  const emulator = await startEmulator(options);
  // Stop when asked (io.signal) or when the process that started us is gone.
  const stop = new AbortController();
  const onAbort = (): void => stop.abort();
  io.signal.addEventListener("abort", onAbort, { once: true });
  if (io.signal.aborted) stop.abort();
  const unwatch = values.detached ? () => {} : watchParent(() => {
    io.stderr.write("emulator: the process that started it is gone; stopping\n");
    stop.abort();
  });
  if (!isLoopback(emulator.host)) {
    // The inspection routes answer without auth: every pipeline's contents
    // would be readable by anyone who can reach the port.
    io.stderr.write(
      `warning: listening on ${safeText(emulator.host)}, reachable from other machines; /_emulator/ routes (state, seed, reset) need no credentials\n`,
    );
  }
  const lines = [
    `Fleet Management emulator listening on ${safeText(emulator.url)}`,
    "",
    "Point the CLI at it:",
    `  export FLEET_URL=${safeText(emulator.url)}`,
    ...(user !== undefined ? [`  export FLEET_USER=${safeText(user)}`, "  export FLEET_TOKEN=<the token you configured>"] : []),
    "",
    `Inspect it: curl ${safeText(emulator.url)}/_emulator/state`,
    "Stop it with Ctrl-C.",
  ];
  if (values.json) {
    // One line, written once the port accepts calls: a script reads it instead of scraping the text.
    const ready = { url: emulator.url, host: emulator.host, port: emulator.port, pid: process.pid, ...(user !== undefined ? { user } : {}) };
    io.stdout.write(JSON.stringify(ready) + "\n");
  } else {
    io.stdout.write(lines.join("\n") + "\n");
  }

  await waitForAbort(stop.signal);
  unwatch();
  io.signal.removeEventListener("abort", onAbort);
  await emulator.stop();
  io.stderr.write("emulator stopped\n");
  return EXIT_OK;
}

function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || host.startsWith("127.");
}

export const emulatorCommand: CliCommand = {
  name: "emulator",
  summary: "Run a local Fleet Management emulator (for demos and tests)",
  usage,
  run,
};
