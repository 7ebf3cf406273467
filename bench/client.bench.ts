// Client overhead per call on loopback: the same Connect JSON request
// (GetPipelineID) sent with a plain fetch, with bare Connect transports, and
// through createFleetClient (errors → timeout → retry → logging → user agent
// → auth interceptors; rate limit off, since at 3 req/s it would be the whole
// story). The emulator runs in a child process so that the server's work does
// not share the client's event loop. Variants are measured in interleaved
// rounds and reported as the median latency of one call.
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { createClient } from "@connectrpc/connect";
import { createConnectTransport as createNodeTransport } from "@connectrpc/connect-node";
import { createConnectTransport as createFetchTransport } from "@connectrpc/connect-web";
import { PipelineService } from "../gen/pipeline/v1/pipeline_pb.js";
import { createFleetClient } from "../src/client/index.js";
import { median, type Reporter } from "./report.js";

const ROUNDS = 6;
const CALLS_PER_ROUND = 300;
const WARMUP = 200;
const USER = "1001";
const TOKEN = "bench-token";

async function startChildEmulator(): Promise<{ url: string; child: ChildProcess }> {
  const root = join(import.meta.dirname, "..");
  const child = spawn(
    process.execPath,
    [join(root, "node_modules/tsx/dist/cli.mjs"), join(root, "src/cli/main.ts"), "emulator", "--user", USER],
    { env: { ...process.env, FLEET_EMULATOR_TOKEN: TOKEN }, stdio: ["ignore", "pipe", "ignore"] },
  );
  let out = "";
  const url = await new Promise<string>((resolve, reject) => {
    child.on("exit", (code) => reject(new Error(`emulator exited ${String(code)}`)));
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
  });
  return { url, child };
}

type Call = () => Promise<unknown>;

export default async function clientBench(report: Reporter): Promise<void> {
  const { url, child } = await startChildEmulator();
  try {
    const authorization = `Basic ${Buffer.from(`${USER}:${TOKEN}`).toString("base64")}`;
    const headers = { authorization };
    const seeded = createFleetClient({ baseUrl: url, auth: { user: USER, token: TOKEN }, rateLimit: false });
    await seeded.pipelines.upsertPipeline({ pipeline: { name: "bench", contents: "// bench\n", enabled: true } });

    const endpoint = `${url}/pipeline.v1.PipelineService/GetPipelineID`;
    const body = JSON.stringify({ name: "bench" });
    const plainFetch: Call = async () => {
      const res = await fetch(endpoint, {
        method: "POST",
        headers: { "content-type": "application/json", "connect-protocol-version": "1", authorization },
        body,
      });
      const json = (await res.json()) as { id?: string };
      if (!res.ok || json.id === undefined) throw new Error(`unexpected answer ${res.status}`);
    };
    const connectWeb = createClient(PipelineService, createFetchTransport({ baseUrl: url }));
    const connectNode = createClient(PipelineService, createNodeTransport({ baseUrl: url, httpVersion: "1.1", useBinaryFormat: false }));
    const fleetOverFetch = createFleetClient({
      baseUrl: url,
      auth: { user: USER, token: TOKEN },
      rateLimit: false,
      transport: createFetchTransport({ baseUrl: url }),
    });
    const fleetJson = createFleetClient({ baseUrl: url, auth: { user: USER, token: TOKEN }, rateLimit: false, useBinaryFormat: false });
    const fleetBinary = createFleetClient({ baseUrl: url, auth: { user: USER, token: TOKEN }, rateLimit: false });
    const fleetH2 = createFleetClient({ baseUrl: url, auth: { user: USER, token: TOKEN }, rateLimit: false, httpVersion: "2" });
    const request = { name: "bench" };

    const variants: [string, string, Call][] = [
      ["plain fetch, Connect JSON (baseline)", "fetch", plainFetch],
      ["connect-web transport, no interceptors", "fetch", () => connectWeb.getPipelineID(request, { headers })],
      ["createFleetClient over the same fetch transport", "fetch", () => fleetOverFetch.pipelines.getPipelineID(request)],
      ["connect-node transport, JSON, no interceptors", "node http", () => connectNode.getPipelineID(request, { headers })],
      ["createFleetClient default transport, JSON", "node http", () => fleetJson.pipelines.getPipelineID(request)],
      ["createFleetClient default transport, binary", "node http", () => fleetBinary.pipelines.getPipelineID(request)],
      ["createFleetClient, HTTP/2, binary", "node http2", () => fleetH2.pipelines.getPipelineID(request)],
    ];
    const samples = new Map<string, number[]>(variants.map(([name]) => [name, []]));
    for (const [, , call] of variants) for (let i = 0; i < WARMUP; i++) await call();
    for (let round = 0; round < ROUNDS; round++) {
      for (const [name, , call] of variants) {
        const list = samples.get(name)!;
        for (let i = 0; i < CALLS_PER_ROUND; i++) {
          const t = performance.now();
          await call();
          list.push(performance.now() - t);
        }
      }
    }
    const baseline = median(samples.get(variants[0]![0])!);
    report.table(
      `client: one GetPipelineID over loopback (median of ${ROUNDS * CALLS_PER_ROUND} sequential calls each; emulator in a child process; rate limit off)`,
      variants.map(([name, stack]) => {
        const m = median(samples.get(name)!);
        return {
          variant: name,
          transport: stack,
          "median µs": Math.round(m * 1000),
          "vs plain fetch µs": name === variants[0]![0] ? "-" : `${m >= baseline ? "+" : ""}${Math.round((m - baseline) * 1000)}`,
          "p90 µs": Math.round(percentile(samples.get(name)!, 0.9) * 1000),
        };
      }),
    );
    report.note(
      "The interceptor chain's own cost is the difference between 'createFleetClient over the same fetch transport' and 'connect-web transport, no interceptors'; the rest is the transport.",
    );
  } finally {
    child.kill("SIGTERM");
    await new Promise((resolve) => child.once("exit", resolve));
  }
}

function percentile(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
}
