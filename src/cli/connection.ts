// Building the client from flags and the environment. The token comes only
// from FLEET_TOKEN or --token-file: never from argv, where it would show in
// the process list and the shell history.
import { createFleetClient, type FleetClient, type FleetClientOptions, type Logger } from "../client/index.js";
import { numberFlag, UsageError } from "./command.js";
import { safeText } from "../render/index.js";
import { readToken } from "./token.js";
import type { CliIo } from "./io.js";

/** Flags every command that talks to the service accepts. */
const DEFAULT_ATTEMPT_TIMEOUT_MS = 10_000;

export const CONNECTION_FLAGS = {
  url: { type: "string" },
  user: { type: "string" },
  "token-file": { type: "string" },
  token: { type: "string" },
  "timeout-ms": { type: "string" },
  "attempt-timeout-ms": { type: "string" },
  "rate-limit": { type: "string" },
  "allow-insecure-http": { type: "boolean" },
  verbose: { type: "boolean" },
} as const;

export const CONNECTION_USAGE = `Connection (flags override the environment):
  --url URL              the Fleet Management URL (env FLEET_URL)
  --user ID              the stack's Fleet Management user id (env FLEET_USER)
  --token-file FILE      read the access-policy token from FILE (else env FLEET_TOKEN)
  --timeout-ms MS        deadline of each call, retries included (default 30000)
  --attempt-timeout-ms MS
                         give up on one attempt after MS and retry it, within
                         --timeout-ms (default 10000; 0 waits for the whole deadline)
  --rate-limit R         client-side requests per second; 0 turns it off
                         (env FLEET_RATE_LIMIT; default 3, the service's limit)
  --allow-insecure-http  allow http:// to a host that is not this machine
  --verbose              log every call to stderr (credentials redacted)`;

export interface ConnectionValues {
  url?: string | undefined;
  user?: string | undefined;
  "token-file"?: string | undefined;
  token?: string | undefined;
  "timeout-ms"?: string | undefined;
  "attempt-timeout-ms"?: string | undefined;
  "rate-limit"?: string | undefined;
  "allow-insecure-http"?: boolean | undefined;
  verbose?: boolean | undefined;
}

/** Refuses `--token` before anything else runs. */
export function refuseTokenFlag(values: { token?: string | undefined }): void {
  if (values.token !== undefined) {
    throw new UsageError(
      "--token is refused: a token on the command line shows in the process list and the shell history. " +
        "Set FLEET_TOKEN in the environment or use --token-file FILE.",
    );
  }
}


function stderrLogger(io: CliIo): Logger {
  const line =
    (level: string) =>
    (message: string, fields?: Record<string, unknown>): void => {
      const extra = fields && Object.keys(fields).length ? ` ${JSON.stringify(fields)}` : "";
      io.stderr.write(`[${level}] ${safeText(message + extra)}\n`);
    };
  return { debug: line("debug"), info: line("info"), warn: line("warn"), error: line("error") };
}

export async function clientFromFlags(values: ConnectionValues, io: CliIo): Promise<FleetClient> {
  refuseTokenFlag(values);
  const url = values.url ?? (io.env["FLEET_URL"] || undefined);
  if (url === undefined) {
    throw new UsageError("no service URL: set FLEET_URL (or --url), e.g. https://fleet-management-prod-001.grafana.net");
  }
  const user = values.user ?? (io.env["FLEET_USER"] || undefined);
  const token = await readToken(values["token-file"], "FLEET_TOKEN", io);
  if (token !== undefined && user === undefined) {
    throw new UsageError("a token was given but no user: set FLEET_USER (or --user) to the stack's Fleet Management user id");
  }
  if (user !== undefined && token === undefined) {
    throw new UsageError("FLEET_USER is set but no token: set FLEET_TOKEN or use --token-file FILE");
  }
  const timeoutMs = numberFlag("timeout-ms", values["timeout-ms"], { integer: true, min: 0 });
  const rateText = values["rate-limit"] ?? (io.env["FLEET_RATE_LIMIT"] || undefined);
  const rate = numberFlag("rate-limit", rateText, { min: 0 });
  // In CI a hung answer is worse than a retry: abandon an attempt after 10 s
  // (safe methods only are retried) rather than wait out the whole deadline.
  const attemptTimeoutMs = numberFlag("attempt-timeout-ms", values["attempt-timeout-ms"], { integer: true, min: 0 }) ?? DEFAULT_ATTEMPT_TIMEOUT_MS;
  const options: FleetClientOptions = {
    baseUrl: url,
    ...(user !== undefined && token !== undefined ? { auth: { user, token } } : {}),
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    ...(attemptTimeoutMs > 0 ? { retry: { attemptTimeoutMs } } : {}),
    // A burst one below the rate, as the client's default: a bucket as deep as
    // the service's own turns into 429s as soon as one request is delayed.
    ...(rate !== undefined ? { rateLimit: rate === 0 ? false : { requestsPerSecond: rate, burst: Math.max(1, Math.ceil(rate) - 1) } } : {}),
    ...(values["allow-insecure-http"] ? { allowInsecureHttp: true } : {}),
    ...(values.verbose ? { logger: stderrLogger(io), logLevel: "debug" as const } : {}),
  };
  return createFleetClient(options);
}
