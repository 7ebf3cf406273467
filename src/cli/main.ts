// The executable (`fleet-pipelines`, built to dist/cli.js). The only place
// that reads process.env, listens to signals and exits the process.
import { EXIT_ERROR } from "./exit-codes.js";
import { runCli } from "./run.js";

async function main(): Promise<void> {
  const controller = new AbortController();
  const onSignal = (): void => {
    if (controller.signal.aborted) {
      // A second Ctrl-C while stopping: give up at once.
      process.exit(EXIT_ERROR);
    }
    controller.abort();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);

  const code = await runCli(process.argv.slice(2), {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
    isTTY: Boolean(process.stdout.isTTY),
    signal: controller.signal,
  });

  process.off("SIGINT", onSignal);
  process.off("SIGTERM", onSignal);
  process.exitCode = code;
  // Exit once the output is flushed; a handle left open by mistake must not keep the CLI alive.
  setTimeout(() => process.exit(code), 2000).unref();
}

await main();
