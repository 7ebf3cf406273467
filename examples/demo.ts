// `npm run demo`: the whole product in one run, against a local emulator.
// A stack that already has pipelines made by hand and by Terraform; a Git
// folder of pipelines; a plan that refuses to overwrite the hand-made one;
// the collision resolved; an atomic apply; the verification; a rerun that
// has nothing to do; and what a collector receives when it polls.
import {
  ApplyError,
  FleetError,
  createFleetClient,
  loadPipelines,
  previewCollectors,
  renderCollectorPreviewText,
  renderPlanText,
  renderResultText,
  syncPipelines,
  type SourceScope,
  type SyncPlan,
} from "fleet-pipelines";
import { startEmulator, type EmulatorSeed } from "fleet-pipelines/emulator";
import { isMain } from "./scripts/connect.js";

const FOLDER = "examples/pipelines";
const scope: SourceScope = { type: "git", namespace: "example-repo" };

/** What a real stack typically holds before anyone brings Git in. */
export const demoSeed: EmulatorSeed = {
  pipelines: [
    {
      name: "node_metrics",
      contents: 'prometheus.exporter.unix "default" { }\n// quick fix made in the Fleet Management UI\n',
      matchers: ['collector.os="linux"'],
      enabled: true,
      source: { type: "grafana", namespace: "" },
    },
    {
      name: "legacy_syslog",
      contents: 'loki.source.syslog "legacy" {\n  listener {\n    address = "0.0.0.0:1514"\n  }\n  forward_to = []\n}\n',
      matchers: ['role="syslog-relay"'],
      enabled: true,
    },
    {
      name: "blackbox_probes",
      contents: 'prometheus.exporter.blackbox "probes" {\n  config = "{ modules: { http_2xx: { prober: http } } }"\n}\n',
      matchers: ['team="sre"'],
      enabled: true,
      source: { type: "terraform", namespace: "infra" },
    },
  ],
  collectors: [
    { id: "web-1", localAttributes: { "collector.os": "linux", env: "prod", team: "platform" } },
    { id: "web-2", localAttributes: { "collector.os": "linux", env: "prod" }, remoteAttributes: { team: "platform" } },
    { id: "batch-1", localAttributes: { "collector.os": "linux", env: "staging", team: "data" } },
    { id: "store-12", localAttributes: { "collector.os": "windows", site: "store-12" } },
    { id: "k8s-eu-1", localAttributes: { "collector.os": "linux", platform: "kubernetes", cluster: "eu-1" } },
    { id: "otel-gw-eu", localAttributes: { role: "otlp-gateway", region: "eu-west-1" }, collectorType: "COLLECTOR_TYPE_OTEL" },
  ],
};

export async function runDemo(write: (text: string) => void, options: { color?: boolean } = {}): Promise<number> {
  const color = options.color ?? false;
  const bold = (t: string): string => (color ? `\u001b[1m${t}\u001b[22m` : t);
  const step = (n: number, title: string): void => write(`\n${bold(`${n}. ${title}`)}\n\n`);
  const indent = (text: string): string => text.replace(/^(?=.)/gm, "   ");

  const emulator = await startEmulator();
  try {
    emulator.seed(demoSeed);
    // The client paces itself at 3 requests/s, the service's published limit.
    const client = createFleetClient({ baseUrl: emulator.url });

    write(bold("fleet-pipelines: keep Grafana Fleet Management pipelines in Git, and push them safely") + "\n");

    step(1, `A Fleet Management stack (a local emulator at ${emulator.url}) already holds:`);
    for (const p of emulator.state().pipelines) {
      const owner = !p.source
        ? "created through the API long ago, no source"
        : p.source.type === "SOURCE_TYPE_GRAFANA"
          ? "made by hand in the Fleet Management UI"
          : `managed by Terraform (${p.source.namespace})`;
      write(`   ${p.name.padEnd(18)} ${owner}\n`);
    }
    write(`   and ${emulator.state().collectors.length} collectors polling it for their configuration.\n`);

    step(2, `The Git repository ${FOLDER}/ holds the pipelines we want:`);
    const { specs } = await loadPipelines(FOLDER);
    for (const s of specs) write(`   ${s.name.padEnd(18)} ${s.file ?? ""}\n`);
    write(`   They will be owned by the source ${scope.type}/${scope.namespace}: only pipelines of that source are ever deleted.\n`);

    step(3, "Plan: what an apply would change. Nothing is written.");
    const first = await syncPipelines(client, { desired: specs, scope, dryRun: true });
    write(indent(renderPlanText(first.plan, { color, contentDiff: false })));
    write(
      "\n   A plain SyncPipelines would have silently overwritten node_metrics, made by hand in the UI.\n" +
        "   fleet-pipelines blocks it (exit code 3 in CI) until someone says the takeover is intended.\n",
    );
    if (!first.plan.blocked) throw new Error("the demo expected the first plan to be blocked");

    step(4, "Resolve the collision: allow taking over node_metrics (--allow-takeover node_metrics), plan again.");
    const policy = { allowTakeover: ["node_metrics"] };
    const second = await syncPipelines(client, { desired: specs, scope, policy, dryRun: true });
    write(indent(renderPlanText(second.plan, { color, contentDiff: true, maxDiffLines: 6 })));
    const preview = await previewCollectors(client, second.plan);
    write("\n" + indent(renderCollectorPreviewText(preview)));

    step(5, "Apply in sync mode (one atomic SyncPipelines), then read back and verify.");
    let appliedPlan: SyncPlan | undefined;
    const applied = await syncPipelines(client, {
      desired: specs,
      scope,
      policy,
      mode: "sync",
      onPlan: (p) => {
        appliedPlan = p;
      },
    });
    if (!appliedPlan) throw new Error("the demo expected onPlan to be called");
    write(indent(renderResultText(applied.result, { color })));

    step(6, "The stack now:");
    for (const p of await client.pipelines.list()) {
      const source = p.source ? `${p.source.type}/${p.source.namespace}` : "(no source)";
      write(`   ${p.name.padEnd(18)} ${source.padEnd(20)} ${p.enabled ? "enabled" : "disabled"}\n`);
    }
    write("   Terraform's pipeline and the sourceless one were not touched; node_metrics now belongs to Git.\n");

    step(7, "What a collector receives: web-1 (linux, env=prod) polls GetConfig, as Alloy's remotecfg block does.");
    const web1 = { id: "web-1", localAttributes: { "collector.os": "linux", env: "prod", team: "platform" } };
    const config = await client.raw.collectors.getConfig(web1);
    const received = [...config.content.matchAll(/^\/\/ pipeline: "(.+)"$/gm)].map((m) => m[1]);
    write(`   ${received.length} pipelines in one document (hash ${config.hash.slice(0, 12)}…): ${received.join(", ")}\n`);
    const unchanged = await client.raw.collectors.getConfig({ ...web1, hash: config.hash });
    write(`   Its next poll, with that hash: ${unchanged.notModified ? "not modified, nothing to reload" : "changed"}.\n`);

    step(8, "Run it again: an apply is idempotent, nothing to change.");
    const again = await syncPipelines(client, { desired: specs, scope, policy });
    write(indent(renderResultText(again.result, { color })));

    write(
      `\n${bold("Try it yourself")} (npm run build once; then in another terminal: npx fleet-pipelines emulator --port 4318):\n` +
        "   export FLEET_URL=http://127.0.0.1:4318\n" +
        `   npx fleet-pipelines plan  --dir ${FOLDER} --namespace ${scope.namespace} --collectors\n` +
        `   npx fleet-pipelines apply --dir ${FOLDER} --namespace ${scope.namespace} --mode fallback\n` +
        `   npx fleet-pipelines diff  --dir ${FOLDER} --namespace ${scope.namespace}\n`,
    );
    return again.result.verification?.ok === true ? 0 : 1;
  } catch (error) {
    if (error instanceof ApplyError || error instanceof FleetError) {
      write(`\ndemo failed: ${error.message}\n`);
      return 1;
    }
    throw error;
  } finally {
    await emulator.stop();
  }
}

if (isMain(import.meta.url)) {
  const started = performance.now();
  const code = await runDemo((t) => process.stdout.write(t), { color: Boolean(process.stdout.isTTY) && !process.env["NO_COLOR"] });
  process.stdout.write(`\n(demo finished in ${((performance.now() - started) / 1000).toFixed(1)} s)\n`);
  process.exitCode = code;
}
