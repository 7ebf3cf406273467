// Bounded answers: what a hostile answer costs the client. A loopback server
// sends a gzip bomb (small on the wire, gigabytes inflated) or an endless
// listing; one child process per row makes the call, so that the peak RSS
// is that call's. Baseline: the same with the cap lifted to connect's own
// maximum (4 GiB - 1), as the client behaved before maxResponseBytes, on a
// bomb small enough to finish.
import { execFile } from "node:child_process";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { promisify } from "node:util";
import { gzipSync } from "node:zlib";
import { defaultMaxResponseBytes } from "../src/client/index.js";
import type { Reporter } from "./report.js";

const MiB = 1024 * 1024;
const run = promisify(execFile);

/** `members` gzip members of 1 MiB of zeros each: a valid gzip stream that inflates to `members` MiB. */
function bomb(members: number): Buffer {
  const member = gzipSync(Buffer.alloc(MiB), { level: 9 });
  return Buffer.concat(Array.from({ length: members }, () => member));
}

interface Served {
  written: number;
}

function serve(answer: (res: import("node:http").ServerResponse, served: Served) => void): Promise<{ server: Server; url: string; served: Served }> {
  const served: Served = { written: 0 };
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => answer(res, served));
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, served })),
  );
}

async function endless(res: import("node:http").ServerResponse, served: Served, total: number): Promise<void> {
  const chunk = Buffer.alloc(MiB, 0x20);
  res.writeHead(200, { "content-type": "application/json" });
  let closed = false;
  res.on("close", () => (closed = true));
  while (!closed && served.written < total) {
    served.written += chunk.length;
    if (!res.write(chunk)) {
      await new Promise<void>((resolve) => {
        const done = () => {
          res.off("drain", done);
          res.off("close", done);
          resolve();
        };
        res.on("drain", done);
        res.on("close", done);
      });
    }
  }
  if (!closed) res.end();
}

async function measure(label: string, url: string, max: number, format: string, served: Served, wire: string) {
  const child = join(import.meta.dirname, "response-limit-child.ts");
  const { stdout } = await run(process.execPath, ["--import", "tsx", child, url, String(max), format], { maxBuffer: MiB });
  const r = JSON.parse(stdout.trim().split("\n").pop() ?? "{}") as { ms: number; maxRssMiB: number; code: string; message: string };
  return {
    case: label,
    maxResponseBytes: max === defaultMaxResponseBytes ? "32 MiB (default)" : "4 GiB - 1 (connect's maximum)",
    "on the wire": wire,
    "server wrote MiB": (served.written / MiB).toFixed(1),
    "client ms": r.ms,
    "client peak RSS MiB": r.maxRssMiB,
    outcome: r.code === "ok" ? "ok" : `${r.code}: ${r.message.slice(0, 70)}`,
  };
}

export default async function (report: Reporter): Promise<void> {
  const rows = [];
  const big = bomb(3500);
  const small = bomb(256);
  for (const [label, body, max] of [
    ["gzip bomb, 3.5 GiB inflated", big, defaultMaxResponseBytes],
    ["gzip bomb, 256 MiB inflated (baseline: no cap)", small, 0xffffffff],
    ["gzip bomb, 256 MiB inflated", small, defaultMaxResponseBytes],
  ] as const) {
    const { server, url, served } = await serve((res, s) => {
      res.writeHead(200, { "content-type": "application/proto", "content-encoding": "gzip", "content-length": String(body.length) });
      s.written = body.length;
      res.end(body);
    });
    rows.push(await measure(label, url, max, "binary", served, `${(body.length / MiB).toFixed(1)} MiB gzip`));
    server.close();
  }
  for (const [label, total, max] of [
    ["listing of 1.5 GiB", 1536 * MiB, defaultMaxResponseBytes],
    ["listing of 256 MiB (baseline: no cap)", 256 * MiB, 0xffffffff],
  ] as const) {
    const { server, url, served } = await serve((res, s) => void endless(res, s, total));
    rows.push(await measure(label, url, max, "json", served, "chunked JSON"));
    server.closeAllConnections();
    server.close();
  }
  report.table("client: hostile answers (one child process per row)", rows);
  report.note("The capped rows stop at maxResponseBytes whatever the answer's size; the baselines grow with it.");
}
