// Run as a child process by stop-releases.test.ts: an emulator whose
// DeletePipeline answers are all dropped after handling, one dropped call per
// HTTP version with the default 30 s timeout, then stop(). The process must
// then end on its own: nothing here calls process.exit.
import { Code, ConnectError } from "@connectrpc/connect";
import { createFleetClient } from "../../../src/client/index.js";
import { startEmulator } from "../../../src/emulator/index.js";

const emulator = await startEmulator({ faults: { rate: 1, kinds: ["drop_after"], methods: ["DeletePipeline"] } });
emulator.seed({ pipelines: [{ name: "a", contents: "x" }, { name: "b", contents: "y" }] });
const ids = emulator.state().pipelines.map((p) => p.id);
for (const [i, httpVersion] of (["1.1", "2"] as const).entries()) {
  const client = createFleetClient({ baseUrl: emulator.url, httpVersion, retry: false, rateLimit: false });
  const error = await client.pipelines.deletePipeline({ id: ids[i] ?? "" }).then(
    () => undefined,
    (e: unknown) => ConnectError.from(e),
  );
  // The drop must have happened, else this script tests nothing.
  if (error === undefined || error.code === Code.NotFound) throw new Error(`HTTP/${httpVersion}: the call was not dropped`);
  process.stdout.write(`dropped over HTTP/${httpVersion}: ${Code[error.code]}\n`);
}
const dropped = emulator.requests().filter((r) => r.code === "dropped").length;
await emulator.stop();
process.stdout.write(`stopped after ${dropped} dropped calls\n`);
