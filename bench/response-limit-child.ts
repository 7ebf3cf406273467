// One call of the response-limit bench, in a process of its own so that its
// peak RSS is the call's: argv = url, maxResponseBytes, "binary" | "json".
// Prints one JSON line: { ms, maxRssMiB, code, message }.
import { ConnectError, Code } from "@connectrpc/connect";
import { createFleetClient } from "../src/client/index.js";

const [url = "", max = "", format = "binary"] = process.argv.slice(2);
const client = createFleetClient({
  baseUrl: url,
  rateLimit: false,
  retry: false,
  timeoutMs: 600_000,
  useBinaryFormat: format === "binary",
  maxResponseBytes: Number(max),
});
const started = performance.now();
let code = "ok";
let message = "";
try {
  await client.pipelines.listPipelines({});
} catch (e) {
  const error = ConnectError.from(e);
  code = Code[error.code];
  message = error.rawMessage.slice(0, 160);
}
const ms = Math.round(performance.now() - started);
// maxRSS is in KiB.
const maxRssMiB = Math.round(process.resourceUsage().maxRSS / 1024);
process.stdout.write(JSON.stringify({ ms, maxRssMiB, code, message }) + "\n");
