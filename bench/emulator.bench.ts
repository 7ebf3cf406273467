// Requests per second the emulator sustains on loopback: ListPipelines with
// 200 pipelines and UpsertPipeline, binary and JSON. The emulator runs in a
// child process (the CLI command) so that client and server do not share an
// event loop; the baseline is the same store operation called in process,
// with no HTTP and no serialisation.
import { spawn } from "node:child_process";
import { join } from "node:path";
import { create } from "@bufbuild/protobuf";
import { createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { PipelineSchema, PipelineService } from "../gen/pipeline/v1/pipeline_pb.js";
import { EmulatorStore } from "../src/emulator/index.js";
import type { Reporter } from "./report.js";

const DURATION_MS = 2000;
const CONCURRENCY = 8;
const PIPELINES = 200;
const CONTENTS = 'prometheus.exporter.unix "default" {\n  include_exporter_metrics = true\n}\n'.repeat(4);

async function measure(durationMs: number, concurrency: number, call: (i: number) => Promise<unknown>): Promise<number> {
  let done = 0;
  let counter = 0;
  const end = performance.now() + durationMs;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        await call(counter++);
        done++;
      }
    }),
  );
  return done / ((performance.now() - started) / 1000);
}

function measureSync(durationMs: number, call: (i: number) => unknown): number {
  let done = 0;
  const started = performance.now();
  const end = started + durationMs;
  while (performance.now() < end) {
    for (let k = 0; k < 50; k++) call(done++);
  }
  return done / ((performance.now() - started) / 1000);
}

async function startChild(): Promise<{ url: string; stop: () => Promise<void> }> {
  const root = join(import.meta.dirname, "..");
  const child = spawn(process.execPath, ["--import", "tsx", "src/cli/main.ts", "emulator", "--port", "0"], {
    cwd: root,
    stdio: ["ignore", "pipe", "inherit"],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.once("exit", (code) => reject(new Error(`emulator exited early (${String(code)})`)));
  });
  return {
    url,
    stop: () =>
      new Promise((resolve) => {
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

export default async function bench(report: Reporter): Promise<void> {
  const seed = {
    pipelines: Array.from({ length: PIPELINES }, (_, i) => ({
      name: `pipeline-${i}`,
      contents: CONTENTS,
      matchers: [`env="prod"`, `team=~"team-${i % 10}|platform"`],
      enabled: true,
      source: { type: "SOURCE_TYPE_GIT", namespace: "bench" },
    })),
  };

  // Baseline: the store alone.
  const store = new EmulatorStore();
  for (const p of seed.pipelines) store.seedPipeline(create(PipelineSchema, { name: p.name, contents: p.contents, matchers: p.matchers, enabled: true }));
  const storeList = measureSync(500, () => store.listPipelines());
  const storeFiltered = measureSync(500, () => store.listPipelines({ localAttributes: { env: "prod", team: "team-3" } }));
  const storeUpsert = measureSync(500, (i) =>
    store.upsertPipeline(create(PipelineSchema, { name: `pipeline-${i % PIPELINES}`, contents: `${CONTENTS}// ${i}\n`, enabled: true })),
  );

  const emulator = await startChild();
  try {
    await fetch(`${emulator.url}/_emulator/seed`, { method: "POST", body: JSON.stringify(seed) });
    const rows: Record<string, string | number>[] = [];
    for (const format of ["binary", "json"] as const) {
      const client = createClient(
        PipelineService,
        createConnectTransport({ baseUrl: emulator.url, httpVersion: "1.1", useBinaryFormat: format === "binary" }),
      );
      const first = await client.listPipelines({});
      if (first.pipelines.length !== PIPELINES) throw new Error(`expected ${PIPELINES} pipelines, got ${first.pipelines.length}`);
      await measure(300, CONCURRENCY, () => client.listPipelines({})); // warm-up
      const list = await measure(DURATION_MS, CONCURRENCY, () => client.listPipelines({}));
      const upsert = await measure(DURATION_MS, CONCURRENCY, (i) =>
        client.upsertPipeline({
          pipeline: { name: `pipeline-${i % PIPELINES}`, contents: `${CONTENTS}// ${format} ${i}\n`, enabled: true },
        }),
      );
      const id = first.pipelines[0]!.id!;
      const get = await measure(DURATION_MS / 2, CONCURRENCY, () => client.getPipeline({ id }));
      rows.push(
        { rpc: "GetPipeline (one pipeline: the per-call floor)", format, "req/s": Math.round(get) },
        { rpc: `ListPipelines (${PIPELINES} pipelines)`, format, "req/s": Math.round(list) },
        { rpc: "UpsertPipeline (a real change each call)", format, "req/s": Math.round(upsert) },
      );
    }
    report.table(`emulator over loopback, HTTP/1.1, ${CONCURRENCY} calls in flight, ${DURATION_MS / 1000} s each`, rows);
  } finally {
    await emulator.stop();
  }
  report.table("baseline: the store in process (no HTTP, no serialisation)", [
    { operation: `listPipelines() of ${PIPELINES}`, "ops/s": Math.round(storeList) },
    { operation: "listPipelines() with an attribute filter", "ops/s": Math.round(storeFiltered) },
    { operation: "upsertPipeline() (a change each call)", "ops/s": Math.round(storeUpsert) },
  ]);
  report.note("The emulator runs as `fleet-pipelines emulator` in a child process; client and server share the machine's cores.");
}
