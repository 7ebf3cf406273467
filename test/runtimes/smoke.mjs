// Runs under Bun and Deno (and Node) against the built package: client calls
// to an emulator (its URL is argv's last argument), a plan, a matcher, and
// Alloy formatting. Prints one JSON line with what it saw; exits 1 on any
// mismatch. test/runtimes/run.mjs starts the emulator in Node and runs this.
import { createConnectTransport } from "@connectrpc/connect-web";
import {
  createFleetClient,
  formatAlloy,
  matches,
  parseMatcher,
  planSync,
  renderPlanText,
  syncPipelines,
} from "../../dist/index.js";

const url = globalThis.process?.argv?.at(-1) ?? globalThis.Deno?.args?.at(-1);
if (typeof url !== "string" || !url.startsWith("http")) throw new Error(`usage: smoke.mjs EMULATOR_URL (got ${String(url)})`);
const auth = { user: "runtime-user", token: "runtime-token" };

function check(what, ok, got) {
  if (!ok) throw new Error(`${what}: got ${JSON.stringify(got)}`);
}

// The default transport (connect-node, loaded on the first call) and the fetch one an edge runtime would use.
const clients = {
  default: createFleetClient({ baseUrl: url, auth, rateLimit: false, retry: false }),
  fetch: createFleetClient({ baseUrl: url, auth, rateLimit: false, retry: false, transport: createConnectTransport({ baseUrl: url }) }),
};
const seen = {};
for (const [name, client] of Object.entries(clients)) {
  await client.pipelines.upsertPipeline({ pipeline: { name: `from_${name}`, contents: "prometheus.scrape \"x\" {}\n", enabled: true } });
  const listed = (await client.pipelines.listPipelines({})).pipelines.map((p) => p.name).sort();
  check(`${name} transport: the pipeline it wrote is listed`, listed.includes(`from_${name}`), listed);
  seen[name] = listed.length;
}

// A plan against what the service holds (no write), through the SDK's lazy apply layer.
const { plan } = await syncPipelines(clients.default, {
  desired: [{ name: "runtime_new", contents: "logging {}\n", matchers: ['team="a"'] }],
  scope: { type: "git", namespace: "runtimes" },
  dryRun: true,
});
check("plan creates the new pipeline", plan.counts.create === 1, plan.counts);
const local = planSync({ desired: [], remote: [], scope: { type: "git", namespace: "x" } });
check("renderPlanText renders", renderPlanText(local).length > 0, "");

check("matcher", matches([parseMatcher('team=~"a|b"')], { team: "b" }) && !matches(['team!="b"'], { team: "b" }), "");
const formatted = formatAlloy('logging {\nlevel="info"\n}\n');
check("formatAlloy", formatted.ok && formatted.text === 'logging {\n\tlevel = "info"\n}\n', formatted);

const runtime = globalThis.Bun ? `bun ${globalThis.Bun.version}` : globalThis.Deno ? `deno ${globalThis.Deno.version.deno}` : `node ${process.version}`;
console.log(JSON.stringify({ runtime, listed: seen, plan: plan.counts, ok: true }));
